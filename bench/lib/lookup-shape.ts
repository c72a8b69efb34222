/**
 * What LookupEvents traffic looks like, built from generated (or imported) records:
 *  - `toLookupEvent` / `lookupEventsBody`: the response body AWS would send for a page of events
 *    (`{"Events":[...]}`, each Event carrying the record as the `CloudTrailEvent` JSON string);
 *  - `pageBodySizes`: the size distribution of such pages (for the bare-server baseline);
 *  - `lookupRequestMix`: realistic LookupEvents request bodies whose filters hit the data.
 *
 * Username / Resources derivation mirrors src/records (username.ts, resources.ts) closely enough
 * for sizes; the Cairn server's own output is what its benchmark measures.
 */
import type { GenRecord } from './gen/types.js';
import { recordJson } from './gen/generator.js';

export interface LookupResourceOut {
  ResourceType?: string;
  ResourceName: string;
}

export interface LookupEventOut {
  EventId: string;
  EventName: string;
  ReadOnly: 'true' | 'false';
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: LookupResourceOut[];
  CloudTrailEvent: string;
}

/** LookupEvents request body (AWS JSON 1.1 member names). */
export interface LookupEventsRequestBody {
  LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
  StartTime?: number;
  EndTime?: number;
  MaxResults?: number;
  NextToken?: string;
}

const RESOURCE_KEYS: Record<string, { type: string; sources?: string[] }> = {
  instanceId: { type: 'AWS::EC2::Instance', sources: ['ec2.amazonaws.com', 'ssm.amazonaws.com'] },
  groupId: { type: 'AWS::EC2::SecurityGroup', sources: ['ec2.amazonaws.com'] },
  vpcId: { type: 'AWS::EC2::VPC' },
  subnetId: { type: 'AWS::EC2::Subnet' },
  imageId: { type: 'AWS::EC2::Ami', sources: ['ec2.amazonaws.com'] },
  networkInterfaceId: { type: 'AWS::EC2::NetworkInterface' },
  volumeId: { type: 'AWS::EC2::Volume' },
  snapshotId: { type: 'AWS::EC2::Snapshot' },
  bucketName: { type: 'AWS::S3::Bucket' },
  userName: { type: 'AWS::IAM::User', sources: ['iam.amazonaws.com'] },
  roleName: { type: 'AWS::IAM::Role', sources: ['iam.amazonaws.com'] },
  policyArn: { type: 'AWS::IAM::Policy', sources: ['iam.amazonaws.com'] },
  roleArn: { type: 'AWS::IAM::Role', sources: ['sts.amazonaws.com'] },
  functionName: { type: 'AWS::Lambda::Function', sources: ['lambda.amazonaws.com'] },
  tableName: { type: 'AWS::DynamoDB::Table', sources: ['dynamodb.amazonaws.com'] },
  keyId: { type: 'AWS::KMS::Key', sources: ['kms.amazonaws.com'] },
  topicArn: { type: 'AWS::SNS::Topic', sources: ['sns.amazonaws.com'] },
  queueUrl: { type: 'AWS::SQS::Queue', sources: ['sqs.amazonaws.com'] },
  trailName: { type: 'AWS::CloudTrail::Trail', sources: ['cloudtrail.amazonaws.com'] },
  name: { type: 'AWS::CloudTrail::Trail', sources: ['cloudtrail.amazonaws.com'] },
  logGroupName: { type: 'AWS::Logs::LogGroup', sources: ['logs.amazonaws.com'] },
  secretId: { type: 'AWS::SecretsManager::Secret', sources: ['secretsmanager.amazonaws.com'] },
};

function resourcesOf(r: GenRecord): LookupResourceOut[] {
  const found = new Map<string, LookupResourceOut>();
  for (const res of r.resources ?? []) found.set(`${res.type}\u0000${res.ARN}`, { ResourceType: res.type, ResourceName: res.ARN });
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') {
        const rule = RESOURCE_KEYS[k];
        if (rule && (!rule.sources || rule.sources.includes(r.eventSource)) && v !== '') {
          found.set(`${rule.type}\u0000${v}`, { ResourceType: rule.type, ResourceName: v });
        }
      } else visit(v, depth + 1);
    }
  };
  visit(r.requestParameters, 0);
  visit(r.responseElements, 0);
  return [...found.values()].sort((a, b) => (a.ResourceType ?? '').localeCompare(b.ResourceType ?? '') || a.ResourceName.localeCompare(b.ResourceName));
}

/** The Username event history shows (see src/records/username.ts). */
export function usernameOf(r: GenRecord): string | undefined {
  const id = r.userIdentity;
  const last = (arn: string | undefined): string | undefined => (arn && arn.lastIndexOf('/') >= 0 ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);
  switch (id.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return id.userName ?? last(id.arn);
    case 'AssumedRole':
    case 'FederatedUser':
      return last(id.arn);
    case 'AWSService':
      return id.invokedBy;
    default:
      return id.userName;
  }
}

/** The LookupEvents `Event` for a record; `raw` = the record's exact JSON text if known. */
export function toLookupEvent(r: GenRecord, raw?: string): LookupEventOut {
  const ev: LookupEventOut = {
    EventId: r.eventID,
    EventName: r.eventName,
    ReadOnly: r.readOnly ? 'true' : 'false',
    AccessKeyId: r.userIdentity.accessKeyId || undefined,
    EventTime: Date.parse(r.eventTime) / 1000,
    EventSource: r.eventSource,
    Username: usernameOf(r),
    Resources: resourcesOf(r),
    CloudTrailEvent: raw ?? recordJson(r),
  };
  return ev;
}

/** `{"Events":[...]}` (+ NextToken) for a page of records, as the service would send it. */
export function lookupEventsBody(records: readonly GenRecord[], nextToken?: string): string {
  return JSON.stringify({ Events: records.map((r) => toLookupEvent(r)), NextToken: nextToken });
}

export interface PageSizeStats {
  pages: number;
  pageSize: number;
  meanBytes: number;
  medianBytes: number;
  p90Bytes: number;
  minBytes: number;
  maxBytes: number;
  /** The body of the page whose size is closest to the mean (real content, for a baseline server). */
  representativeBody: string;
}

/**
 * Sizes of consecutive pages of `pageSize` management events (event history never holds data
 * events), newest first as LookupEvents returns them. A typical NextToken is included.
 */
export function pageBodySizes(records: readonly GenRecord[], pageSize = 50, maxPages = 400): PageSizeStats {
  const mgmt = records.filter((r) => r.eventCategory === 'Management').reverse();
  const token = 'eyJ2IjoxLCJ0IjoxNzY0MTA1MjAwMDAwLCJpZCI6IjBmOWU4ZDdjLTZiNWEtNGMzZC04ZTJmLTFhMGI5YzhkN2U2ZiJ9.c2lnbmF0dXJlLTE2Ynl0ZXM';
  const bodies: string[] = [];
  for (let i = 0; i + pageSize <= mgmt.length && bodies.length < maxPages; i += pageSize) {
    bodies.push(lookupEventsBody(mgmt.slice(i, i + pageSize), token));
  }
  if (bodies.length === 0) throw new Error(`need at least ${pageSize} management events`);
  const sizes = bodies.map((b) => Buffer.byteLength(b)).sort((a, b) => a - b);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  let best = bodies[0]!;
  for (const b of bodies) if (Math.abs(Buffer.byteLength(b) - mean) < Math.abs(Buffer.byteLength(best) - mean)) best = b;
  return {
    pages: sizes.length,
    pageSize,
    meanBytes: Math.round(mean),
    medianBytes: sizes[Math.floor(sizes.length / 2)]!,
    p90Bytes: sizes[Math.floor(sizes.length * 0.9)]!,
    minBytes: sizes[0]!,
    maxBytes: sizes[sizes.length - 1]!,
    representativeBody: best,
  };
}

/**
 * A mix of LookupEvents requests drawn from the data, so each filter matches real events:
 * unfiltered first page, and one filter per attribute key (EventName, EventSource, Username,
 * ReadOnly, AccessKeyId, ResourceName, ResourceType, EventId), some with a time window.
 */
export function lookupRequestMix(records: readonly GenRecord[], count = 32, seed = 1): LookupEventsRequestBody[] {
  const mgmt = records.filter((r) => r.eventCategory === 'Management');
  if (mgmt.length === 0) throw new Error('no management events');
  let x = seed >>> 0 || 1;
  const rand = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const pick = (): GenRecord => mgmt[rand(mgmt.length)]!;
  const out: LookupEventsRequestBody[] = [{ MaxResults: 50 }];
  const keys = ['EventName', 'EventSource', 'Username', 'ReadOnly', 'AccessKeyId', 'ResourceName', 'ResourceType', 'EventId'] as const;
  for (let i = 0; out.length < count; i++) {
    const key = keys[i % keys.length]!;
    const r = pick();
    const ev = toLookupEvent(r, '');
    let value: string | undefined;
    switch (key) {
      case 'EventName': value = r.eventName; break;
      case 'EventSource': value = r.eventSource; break;
      case 'Username': value = ev.Username; break;
      case 'ReadOnly': value = ev.ReadOnly; break;
      case 'AccessKeyId': value = ev.AccessKeyId; break;
      case 'ResourceName': value = ev.Resources[0]?.ResourceName; break;
      case 'ResourceType': value = ev.Resources[0]?.ResourceType; break;
      case 'EventId': value = r.eventID; break;
    }
    if (value === undefined) continue;
    const body: LookupEventsRequestBody = { LookupAttributes: [{ AttributeKey: key, AttributeValue: value }], MaxResults: 50 };
    if (i % 3 === 0) {
      const t = Date.parse(r.eventTime) / 1000;
      body.StartTime = t - 86_400;
      body.EndTime = t + 3_600;
    }
    out.push(body);
  }
  return out;
}
