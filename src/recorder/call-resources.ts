import type { RecordResource } from '../records/index.js';
import type { ResolvedCall } from './request-parameters.js';

interface Where {
  accountId: string;
  region: string;
}

type Finder = (params: Record<string, unknown>, reply: Record<string, unknown>, where: Where) => RecordResource[];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const dig = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), v);

/** ARNs for the resource types calls name most, per service (CloudTrail's `resources`). */
const FINDERS: Record<string, Finder> = {
  s3: (p, _r, w) => {
    const bucket = str(p.bucketName);
    if (!bucket) return [];
    const key = str(p.key);
    const list: RecordResource[] = key ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }] : [];
    list.push({ accountId: w.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` });
    return list;
  },
  dynamodb: (p, _r, w) => {
    const table = str(p.tableName);
    return table ? [{ accountId: w.accountId, type: 'AWS::DynamoDB::Table', ARN: arnOr(table, `arn:aws:dynamodb:${w.region}:${w.accountId}:table/${table}`) }] : [];
  },
  lambda: (p, _r, w) => {
    const fn = str(p.functionName);
    return fn ? [{ accountId: w.accountId, type: 'AWS::Lambda::Function', ARN: arnOr(fn, `arn:aws:lambda:${w.region}:${w.accountId}:function:${fn}`) }] : [];
  },
  kms: (p, r, w) => {
    const arn = str(dig(r, 'keyMetadata', 'arn')) ?? str(r.keyId);
    const id = str(p.keyId);
    if (arn?.startsWith('arn:')) return [{ accountId: w.accountId, type: 'AWS::KMS::Key', ARN: arn }];
    if (id && !id.startsWith('alias/')) return [{ accountId: w.accountId, type: 'AWS::KMS::Key', ARN: arnOr(id, `arn:aws:kms:${w.region}:${w.accountId}:key/${id}`) }];
    return [];
  },
  sqs: (p, r, w) => {
    const url = str(p.queueUrl) ?? str(r.queueUrl);
    const name = url ? url.slice(url.lastIndexOf('/') + 1) : str(p.queueName);
    return name ? [{ accountId: w.accountId, type: 'AWS::SQS::Queue', ARN: `arn:aws:sqs:${w.region}:${w.accountId}:${name}` }] : [];
  },
  sns: (p, r) => {
    const arn = str(p.topicArn) ?? str(r.topicArn);
    return arn ? [{ accountId: arn.split(':')[4], type: 'AWS::SNS::Topic', ARN: arn }] : [];
  },
  iam: (p, _r, w) => {
    const list: RecordResource[] = [];
    const user = str(p.userName);
    if (user) list.push({ accountId: w.accountId, type: 'AWS::IAM::User', ARN: `arn:aws:iam::${w.accountId}:user/${user}` });
    const role = str(p.roleName);
    if (role) list.push({ accountId: w.accountId, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${w.accountId}:role/${role}` });
    const policy = str(p.policyArn);
    if (policy) list.push({ accountId: policy.split(':')[4] || w.accountId, type: 'AWS::IAM::Policy', ARN: policy });
    return list;
  },
  sts: (p, r) => {
    const role = str(p.roleArn);
    const list: RecordResource[] = [];
    const key = str(dig(r, 'credentials', 'accessKeyId'));
    const account = role?.split(':')[4];
    if (key && account) list.push({ accountId: account, type: 'AWS::IAM::AccessKey', ARN: `arn:aws:iam::${account}:access-key/${key}` });
    if (role) list.push({ accountId: account, type: 'AWS::IAM::Role', ARN: role });
    return list;
  },
  ec2: (p, r, w) => {
    const ids = new Set<string>();
    for (const source of [p, r]) {
      const items = dig(source, 'instancesSet', 'items');
      if (Array.isArray(items)) for (const item of items) if (str(dig(item, 'instanceId'))) ids.add(dig(item, 'instanceId') as string);
    }
    return [...ids].map((id) => ({ accountId: w.accountId, type: 'AWS::EC2::Instance', ARN: `arn:aws:ec2:${w.region}:${w.accountId}:instance/${id}` }));
  },
};

function arnOr(value: string, arn: string): string {
  return value.startsWith('arn:') ? value : arn;
}

/** The record's resources, or undefined when the call names none of the known types. */
export function callResources(call: ResolvedCall, params: Record<string, unknown> | null, reply: unknown, where: Where): RecordResource[] | undefined {
  const finder = FINDERS[call.service.id];
  if (!finder) return undefined;
  const replyObject = reply !== null && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>) : {};
  const found = finder(params ?? {}, replyObject, where).map((r) => (r.accountId === undefined ? { type: r.type, ARN: r.ARN } : r));
  return found.length > 0 ? found : undefined;
}
