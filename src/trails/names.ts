import { AwsError } from '../api/index.js';

/** Bare trail names: 3–128 of A–Z a–z 0–9 . _ -, letter/digit at both ends, no adjacent punctuation, not an IPv4 address. */
const TRAIL_NAME = /^(?!\d{1,3}(\.\d{1,3}){3}$)[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){1,126}[A-Za-z0-9]$/;
const TRAIL_ARN = /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

export interface TrailRef {
  name: string;
  /** Present when the caller named the trail by ARN. */
  arn?: { partition: string; region: string; accountId: string };
}

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** Validates a trail name as CreateTrail takes it (no ARN). */
export function checkTrailName(name: string): void {
  if (name.length < 3) throw new AwsError('InvalidTrailNameException', 'Trail name too short. Minimum allowed length: 3 characters. Specified name length: ' + name.length + ' characters.');
  if (name.length > 128) throw new AwsError('InvalidTrailNameException', 'Trail name too long. Maximum allowed length: 128 characters. Specified name length: ' + name.length + ' characters.');
  if (!TRAIL_NAME.test(name)) {
    throw new AwsError(
      'InvalidTrailNameException',
      'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_); must start and end with a letter or number; must not have adjacent periods, underscores or dashes; and must not look like an IP address.',
    );
  }
}

/** A trail named by name or ARN, wherever a trail is identified. */
export function parseTrailRef(value: string): TrailRef {
  if (value.startsWith('arn:')) {
    const match = TRAIL_ARN.exec(value);
    if (!match) throw new AwsError('CloudTrailARNInvalidException', `Invalid trail ARN: ${value}`);
    const [, partition, region, accountId, name] = match as unknown as [string, string, string, string, string];
    checkTrailName(name);
    return { name, arn: { partition, region, accountId } };
  }
  checkTrailName(value);
  return { name: value };
}

/** S3 bucket names: 3–63 of lowercase letters, digits, dots and hyphens, letter/digit at both ends, not an IP. */
export function checkBucketName(bucket: string): void {
  const ok =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !/\.\.|\.-|-\./.test(bucket) && !/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket);
  if (!ok) throw new AwsError('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
}

export function checkKeyPrefix(prefix: string): void {
  if (prefix.length > 200) throw new AwsError('InvalidS3PrefixException', `S3 prefix is longer than 200 characters: ${prefix.length}`);
}

/** SNS topic: a name (1–256 of letters, digits, _ and -) or a topic ARN. */
export function snsTopicArn(topic: string, region: string, accountId: string): string {
  const arn = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:([A-Za-z0-9_-]{1,256})$/.exec(topic);
  if (arn) return topic;
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(topic)) throw new AwsError('InvalidSnsTopicNameException', `SNS topic name is not valid: ${topic}`);
  return `arn:aws:sns:${region}:${accountId}:${topic}`;
}

/** KMS key: key id, alias/…, key or alias ARN; returned as the full key ARN AWS echoes. */
export function kmsKeyArn(keyId: string, region: string, accountId: string): string {
  if (/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/.test(keyId)) return keyId;
  if (/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(keyId)) return `arn:aws:kms:${region}:${accountId}:${keyId}`;
  if (/^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/i.test(keyId)) {
    return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  }
  throw new AwsError('InvalidKmsKeyIdException', `KMS key ID is not valid: ${keyId}`);
}

export function checkLogGroupArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}:\*$/.test(arn)) {
    throw new AwsError('InvalidCloudWatchLogsLogGroupArnException', `CloudWatch Logs log group ARN is not valid: ${arn}`);
  }
}

export function checkLogsRoleArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(arn)) {
    throw new AwsError('InvalidCloudWatchLogsRoleArnException', `CloudWatch Logs role ARN is not valid: ${arn}`);
  }
}
