import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BotocoreCall } from '../../test/support/botocore-requests.js';
import { botocoreRequests } from '../../test/support/botocore-requests.js';
import { requireProgram } from '../../test/support/programs.js';
import type { RequestView } from './index.js';
import { guessService, resolveOperation, RoutingIndex, splitRequestTarget } from './index.js';

const index = new RoutingIndex();

function viewOf(method: string, url: string, headers: Record<string, string>): { view: RequestView; target: string } {
  const parsed = new URL(url);
  const lower: Record<string, string> = { host: parsed.host };
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  const target = parsed.pathname + parsed.search;
  const { path, query } = splitRequestTarget(target);
  return { view: { method, path, query, headers: lower }, target };
}

function resolve(method: string, url: string, headers: Record<string, string>, body = Buffer.alloc(0)) {
  const { view, target } = viewOf(method, url, headers);
  const guess = guessService(index, target, view);
  return { guess, resolution: resolveOperation(index, guess, view, body) };
}

const LOCAL = 'http://127.0.0.1:4566';
// Real request shapes: botocore builds and signs each call; resolution must name its service and operation.
const CALLS: (BotocoreCall & { expectService?: string; labels?: Record<string, string> })[] = [
  { service: 'ec2', operation: 'RunInstances', params: { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 } },
  { service: 'ec2', operation: 'DescribeInstances', params: {} },
  { service: 'ec2', operation: 'TerminateInstances', params: { InstanceIds: ['i-0123456789abcdef0'] } },
  { service: 's3', operation: 'CreateBucket', params: { Bucket: 'logs' }, config: { s3: { addressing_style: 'path' } }, labels: { Bucket: 'logs' } },
  { service: 's3', operation: 'PutObject', params: { Bucket: 'logs', Key: 'a/b c.txt', Body: 'hi' }, config: { s3: { addressing_style: 'path' } }, labels: { Bucket: 'logs', Key: 'a/b c.txt' } },
  { service: 's3', operation: 'GetObject', params: { Bucket: 'logs', Key: 'k' }, config: { s3: { addressing_style: 'virtual' } }, labels: { Bucket: 'logs', Key: 'k' } },
  { service: 's3', operation: 'HeadObject', params: { Bucket: 'logs', Key: 'k' }, config: { s3: { addressing_style: 'virtual' } }, labels: { Bucket: 'logs', Key: 'k' } },
  { service: 's3', operation: 'DeleteObject', params: { Bucket: 'logs', Key: 'k' }, config: { s3: { addressing_style: 'path' } } },
  { service: 's3', operation: 'ListObjectsV2', params: { Bucket: 'logs', Prefix: 'a/' }, config: { s3: { addressing_style: 'path' } } },
  { service: 's3', operation: 'ListObjects', params: { Bucket: 'logs' }, config: { s3: { addressing_style: 'virtual' } } },
  { service: 's3', operation: 'ListBuckets', params: {} },
  { service: 's3', operation: 'GetBucketAcl', params: { Bucket: 'logs' }, config: { s3: { addressing_style: 'virtual' } } },
  { service: 's3', operation: 'PutBucketVersioning', params: { Bucket: 'logs', VersioningConfiguration: { Status: 'Enabled' } } },
  { service: 's3', operation: 'DeleteObjects', params: { Bucket: 'logs', Delete: { Objects: [{ Key: 'a' }] } }, config: { s3: { addressing_style: 'path' } } },
  { service: 's3', operation: 'CreateMultipartUpload', params: { Bucket: 'logs', Key: 'big' }, config: { s3: { addressing_style: 'path' } } },
  { service: 's3', operation: 'UploadPart', params: { Bucket: 'logs', Key: 'big', UploadId: 'u1', PartNumber: 1, Body: 'x' }, config: { s3: { addressing_style: 'path' } } },
  { service: 'iam', operation: 'CreateUser', params: { UserName: 'alice' } },
  { service: 'iam', operation: 'CreateAccessKey', params: { UserName: 'alice' } },
  { service: 'iam', operation: 'AttachUserPolicy', params: { UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
  { service: 'sts', operation: 'AssumeRole', params: { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'ss' } },
  { service: 'sts', operation: 'GetCallerIdentity', params: {} },
  { service: 'lambda', operation: 'CreateFunction', params: { FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: 'UEsDBA==' }, Runtime: 'python3.12', Handler: 'h.h' } },
  { service: 'lambda', operation: 'Invoke', params: { FunctionName: 'f', Payload: '{}' }, labels: { FunctionName: 'f' } },
  { service: 'lambda', operation: 'GetFunction', params: { FunctionName: 'f' } },
  { service: 'lambda', operation: 'ListFunctions', params: {} },
  { service: 'dynamodb', operation: 'CreateTable', params: { TableName: 't', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' } },
  { service: 'dynamodb', operation: 'PutItem', params: { TableName: 't', Item: { k: { S: 'v' } } } },
  { service: 'dynamodbstreams', operation: 'ListStreams', params: {} },
  { service: 'kms', operation: 'CreateKey', params: {} },
  { service: 'kms', operation: 'Encrypt', params: { KeyId: 'alias/x', Plaintext: 'secret' } },
  { service: 'sqs', operation: 'CreateQueue', params: { QueueName: 'q' } },
  { service: 'sqs', operation: 'SendMessage', params: { QueueUrl: `${LOCAL}/123456789012/q`, MessageBody: 'm' } },
  { service: 'sns', operation: 'CreateTopic', params: { Name: 't' } },
  { service: 'sns', operation: 'Publish', params: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' } },
  { service: 'cloudwatch', operation: 'PutMetricData', params: { Namespace: 'App', MetricData: [{ MetricName: 'm', Value: 1 }] } },
  { service: 'logs', operation: 'CreateLogGroup', params: { logGroupName: 'g' } },
  { service: 'elbv2', operation: 'DescribeLoadBalancers', params: {} },
  { service: 'elb', operation: 'DescribeLoadBalancers', params: {} },
  { service: 'route53', operation: 'ListHostedZones', params: {} },
  { service: 'route53', operation: 'ChangeResourceRecordSets', params: { HostedZoneId: 'Z1', ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'a.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] } }] } }, labels: { Id: 'Z1' } },
  { service: 'cloudfront', operation: 'ListDistributions', params: {} },
  { service: 'cloudfront', operation: 'GetDistribution', params: { Id: 'E123' }, labels: { Id: 'E123' } },
  { service: 'apigateway', operation: 'GetRestApis', params: {} },
  { service: 'apigatewayv2', operation: 'GetApis', params: {} },
  { service: 'secretsmanager', operation: 'GetSecretValue', params: { SecretId: 's' } },
  { service: 'ssm', operation: 'GetParameter', params: { Name: 'p' } },
  { service: 'stepfunctions', operation: 'ListStateMachines', params: {} },
  { service: 'eks', operation: 'DescribeCluster', params: { name: 'c' }, labels: { name: 'c' } },
  { service: 'ses', operation: 'SendEmail', params: { Source: 'a@example.com', Destination: { ToAddresses: ['b@example.com'] }, Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } } },
  { service: 'sesv2', operation: 'ListEmailIdentities', params: {} },
];

void describe('service and operation resolution on real botocore requests', () => {
  const skip = requireProgram('python3');
  void it('resolves every call to its service and operation, with AWS endpoints and a local endpoint', { skip }, () => {
    const calls = CALLS.flatMap((c) => [c, { ...c, endpoint: LOCAL }]);
    const requests = botocoreRequests(calls);
    assert.equal(requests.length, calls.length);
    requests.forEach((request, i) => {
      const call = calls[i]!;
      const { resolution } = resolve(request.method, request.url, request.headers, Buffer.from(request.body, 'base64'));
      const where = `${call.service}.${call.operation} via ${request.method} ${request.url}`;
      assert.ok(resolution, `unresolved: ${where}`);
      assert.equal(resolution.service.id, call.service, where);
      assert.equal(resolution.operation, call.operation, where);
      for (const [label, value] of Object.entries(call.labels ?? {})) {
        const actual: string | undefined = label === 'Bucket' ? (resolution.labels.Bucket ?? resolution.virtualBucket) : resolution.labels[label];
        assert.equal(actual, value, `${where}: label ${label}`);
      }
    });
  });
});

void describe('service resolution order', () => {
  void it('takes the credential scope before the host', () => {
    const { guess } = resolve('POST', 'https://ec2.us-east-1.amazonaws.com/', {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/iam/aws4_request, SignedHeaders=host, Signature=00',
    });
    assert.equal(guess.evidence, 'scope');
    assert.deepEqual(guess.candidates.map((s) => s.id), ['iam']);
    assert.equal(guess.region, 'eu-west-1');
  });

  void it('uses the target prefix of an unsigned JSON call', () => {
    const { guess, resolution } = resolve('POST', 'http://127.0.0.1:9000/', { 'x-amz-target': 'DynamoDB_20120810.GetItem' });
    assert.equal(guess.evidence, 'target');
    assert.equal(resolution?.operation, 'GetItem');
  });

  void it('reads the service from an AWS host name and a virtual-hosted bucket', () => {
    assert.deepEqual(resolve('GET', 'https://sqs.eu-west-1.amazonaws.com/', {}).guess.candidates.map((s) => s.id), ['sqs']);
    const bucket = resolve('GET', 'https://my.bucket.s3.eu-west-1.amazonaws.com/key?tagging', {});
    assert.equal(bucket.resolution?.operation, 'GetObjectTagging');
    assert.equal(bucket.resolution?.virtualBucket, 'my.bucket');
    assert.equal(bucket.resolution?.labels.Key, 'key');
  });

  void it('resolves a presigned S3 URL by its query credential', () => {
    const { guess, resolution } = resolve('GET', 'http://127.0.0.1:9000/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261126%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00', {});
    assert.equal(guess.evidence, 'scope');
    assert.equal(resolution?.operation, 'GetObject');
  });

  void it('finds a query action without any signature by Action and Version', () => {
    const { resolution } = resolve('GET', 'http://127.0.0.1:9000/?Action=DescribeTargetGroups&Version=2015-12-01', {});
    assert.equal(resolution?.service.id, 'elbv2');
  });

  void it('leaves an unknown operation unresolved', () => {
    const { resolution } = resolve('POST', 'http://127.0.0.1:9000/', { 'x-amz-target': 'DynamoDB_20120810.NoSuchThing' });
    assert.equal(resolution, undefined);
  });

  void it('splits absolute-form (proxy) request targets', () => {
    assert.deepEqual(splitRequestTarget('http://b.s3.amazonaws.com/k?acl'), { path: '/k', query: 'acl', host: 'b.s3.amazonaws.com' });
    assert.deepEqual(splitRequestTarget('/x'), { path: '/x', query: '' });
  });
});
