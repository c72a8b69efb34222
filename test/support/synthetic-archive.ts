import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A small seeded PRNG (mulberry32): the same seed writes the same archive. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CALLS: readonly { source: string; name: string; readOnly: boolean; resource?: (r: () => number) => Record<string, unknown> }[] = [
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true },
  { source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false, resource: (r) => ({ instanceType: pick(r, ['t3.micro', 'm5.large']) }) },
  { source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true },
  { source: 's3.amazonaws.com', name: 'CreateBucket', readOnly: false, resource: (r) => ({ bucketName: `bucket-${Math.floor(r() * 500)}` }) },
  { source: 'iam.amazonaws.com', name: 'ListUsers', readOnly: true },
  { source: 'iam.amazonaws.com', name: 'CreateAccessKey', readOnly: false, resource: (r) => ({ userName: `user-${Math.floor(r() * 40)}` }) },
  { source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true, resource: (r) => ({ roleSessionName: `session-${Math.floor(r() * 90)}` }) },
  { source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true },
  { source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', readOnly: true },
  { source: 'signin.amazonaws.com', name: 'ConsoleLogin', readOnly: false },
];
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'us-west-2'];
const AGENTS = ['aws-cli/2.15.0 Python/3.11.6 Linux/6.1', 'Boto3/1.34.0 md/Botocore#1.34.0 Python/3.11', 'console.amazonaws.com', 'aws-sdk-js/3.500.0'];

function pick<T>(r: () => number, from: readonly T[]): T {
  return from[Math.floor(r() * from.length)] as T;
}

/** A version-4 shaped UUID; with `serial`, its last 12 digits are that number (so ids never collide). */
function uuid(r: () => number, serial?: number): string {
  const word = (): string => Math.floor(r() * 4294967296).toString(16).padStart(8, '0');
  const h = word() + word() + word() + word();
  const variant = (8 + (parseInt(h[16] ?? '0', 16) & 3)).toString(16);
  const tail = serial === undefined ? h.slice(20) : serial.toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${tail}`;
}

export interface SyntheticArchive {
  /** The directory holding the AWSLogs tree. */
  root: string;
  /** Every eventID written, in file order. */
  eventIds: string[];
  /** What each record (same order) is indexed by. */
  events: { eventId: string; eventSource: string; eventName: string; awsRegion: string }[];
  files: number;
}

/**
 * Writes `files` gzip log files of `recordsPerFile` valid management-event records each, laid out as
 * CloudTrail delivers them (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<name>.json.gz`).
 * Every record has its own eventID; times fall in the last few days (inside the default retention).
 */
export function writeSyntheticArchive(root: string, options: { files: number; recordsPerFile: number; accountId: string; seed: number }): SyntheticArchive {
  const r = prng(options.seed);
  const eventIds: string[] = [];
  const events: SyntheticArchive['events'] = [];
  const start = Date.now() - 3 * 86_400_000;
  for (let f = 0; f < options.files; f++) {
    const fileTime = start + Math.floor((f * 2 * 86_400_000) / options.files);
    const day = new Date(fileTime);
    const region = pick(r, REGIONS);
    const dir = join(
      root,
      'AWSLogs',
      options.accountId,
      'CloudTrail',
      region,
      String(day.getUTCFullYear()),
      String(day.getUTCMonth() + 1).padStart(2, '0'),
      String(day.getUTCDate()).padStart(2, '0'),
    );
    mkdirSync(dir, { recursive: true });
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < options.recordsPerFile; i++) {
      const call = pick(r, CALLS);
      const user = `user-${Math.floor(r() * 40)}`;
      const accessKeyId = `AKIA${Math.floor(r() * 1e12).toString().padStart(16, '0')}`;
      const eventId = uuid(r, eventIds.length);
      eventIds.push(eventId);
      events.push({ eventId, eventSource: call.source, eventName: call.name, awsRegion: region });
      records.push({
        eventVersion: '1.09',
        userIdentity: {
          type: 'IAMUser',
          principalId: `AIDA${Math.floor(r() * 1e12).toString().padStart(17, '0')}`,
          arn: `arn:aws:iam::${options.accountId}:user/${user}`,
          accountId: options.accountId,
          accessKeyId,
          userName: user,
        },
        eventTime: new Date(fileTime + i * 10).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: call.source,
        eventName: call.name,
        awsRegion: region,
        sourceIPAddress: `198.51.100.${Math.floor(r() * 250) + 1}`,
        userAgent: pick(r, AGENTS),
        requestParameters: call.resource ? call.resource(r) : null,
        responseElements: null,
        requestID: uuid(r),
        eventID: eventId,
        readOnly: call.readOnly,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: options.accountId,
        eventCategory: 'Management',
      });
    }
    const stamp = day.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
    const name = `${options.accountId}_CloudTrail_${region}_${stamp}_${String(f).padStart(4, '0')}abcd.json.gz`;
    writeFileSync(join(dir, name), gzipSync(JSON.stringify({ Records: records })));
  }
  return { root, eventIds, events, files: options.files };
}
