import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

/** Reading what trails delivered, and making records to deliver, for the trail tests. */

export interface DeliveredFile {
  key: string;
  /** The uncompressed body. */
  text: string;
  records: Record<string, unknown>[];
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function readLogFiles(s3: S3Client, bucket: string, prefix: string): Promise<DeliveredFile[]> {
  const files: DeliveredFile[] = [];
  for (const key of await listKeys(s3, bucket, prefix)) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString();
    files.push({ key, text, records: (JSON.parse(text) as { Records: Record<string, unknown>[] }).Records });
  }
  return files;
}

/** How many times each eventID appears across the files. */
export function eventIdCounts(files: readonly DeliveredFile[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of files) for (const r of f.records) counts.set(String(r.eventID), (counts.get(String(r.eventID)) ?? 0) + 1);
  return counts;
}

export interface RecordSpec {
  account: string;
  region: string;
  source: string;
  name: string;
  readOnly: boolean;
  /** Data events name the object they touched. */
  s3Object?: string;
}

/** A compact CloudTrail record (as AWS writes it) for `spec`. */
export function makeRecord(spec: RecordSpec, time: Date): Record<string, unknown> {
  const data = spec.s3Object !== undefined;
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${spec.account}:user/alice`, accountId: spec.account, userName: 'alice' },
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: spec.region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: data ? { bucketName: spec.s3Object!.split('/')[0], key: spec.s3Object!.split('/').slice(1).join('/') } : null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: spec.readOnly,
    ...(data ? { resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${spec.s3Object}` }, { accountId: spec.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${spec.s3Object!.split('/')[0]}` }] } : {}),
    eventType: 'AwsApiCall',
    managementEvent: !data,
    recipientAccountId: spec.account,
    eventCategory: data ? 'Data' : 'Management',
  };
}

/** Every file below `dir`, at any depth (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
  } catch {
    return [];
  }
}
