import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routingTable } from '../api/index.js';
import { decodeCbor, encodeCborStringMap } from './cbor.js';
import { decodeForm } from './form.js';
import type { ProxiedExchange } from './proxied-call.js';
import { recordProxiedCall } from './proxied-call.js';
import { buildRecord } from './record-builder.js';
import type { ResolvedCall } from './request-parameters.js';
import { parseXml, xmlToValue } from './xml.js';

const ACCOUNT = '111122223333';
const ROOT = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'AKIAROOT' };

function resolved(serviceId: string, operation: string, labels: Record<string, string> = {}): ResolvedCall {
  const service = routingTable().find((s) => s.id === serviceId)!;
  return { service, operation, routing: service.operations[operation]!, labels };
}

function exchange(call: ResolvedCall, request: Partial<ProxiedExchange['request']>, response?: Partial<NonNullable<ProxiedExchange['response']>>): ProxiedExchange {
  return {
    eventId: '00000000-0000-4000-8000-000000000000',
    arrivedAt: Date.UTC(2026, 10, 26, 12, 0, 0),
    fallbackRequestId: 'cairn-id',
    resolved: call,
    unresolved: { eventSource: 'x.amazonaws.com', eventName: 'X' },
    accountId: ACCOUNT,
    region: 'eu-west-1',
    identity: ROOT,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'test',
    request: { method: 'POST', path: '/', query: [], headers: {}, body: Buffer.alloc(0), truncated: false, ...request },
    ...(response ? { response: { status: 200, headers: {}, body: Buffer.alloc(0), truncated: false, ...response } } : {}),
  };
}

const form = (text: string): Buffer => Buffer.from(text);
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

void describe('recording a proxied call', () => {
  void it('reads query-protocol parameters in member naming, with nested lists and maps', () => {
    const { call } = recordProxiedCall(
      exchange(resolved('sns', 'CreateTopic'), {
        headers: FORM,
        body: form('Action=CreateTopic&Version=2010-03-31&Name=alerts&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Ops&Tags.member.1.Key=env&Tags.member.1.Value=prod'),
      }),
    );
    assert.deepEqual(call.requestParameters, { name: 'alerts', attributes: { DisplayName: 'Ops' }, tags: [{ key: 'env', value: 'prod' }] });
  });

  void it('writes EC2 lists as CloudTrail does (items sets) and prefixes EC2 error codes', () => {
    const { call } = recordProxiedCall(
      exchange(
        resolved('ec2', 'DescribeInstances'),
        { headers: FORM, body: form('Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod') },
        { status: 400, body: Buffer.from('<?xml version="1.0"?><Response><Errors><Error><Code>InvalidInstanceID.Malformed</Code><Message>bad id</Message></Error></Errors><RequestID>ec2-req-1</RequestID></Response>') },
      ),
    );
    assert.deepEqual(call.requestParameters, {
      instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] },
      filterSet: { items: [{ name: 'tag:env', valueSet: { items: [{ value: 'prod' }] } }] },
    });
    assert.equal(call.errorCode, 'Client.InvalidInstanceID.Malformed');
    assert.equal(call.errorMessage, 'bad id');
    assert.equal(call.requestId, 'ec2-req-1');
    assert.equal(call.readOnly, true);
  });

  void it('reads REST-JSON bindings (uri, query, header) and the JSON body; responseElements for a mutating call', () => {
    const { call } = recordProxiedCall(
      exchange(
        resolved('lambda', 'UpdateFunctionConfiguration', { FunctionName: 'fn' }),
        { method: 'PUT', path: '/2015-03-31/functions/fn/configuration', body: Buffer.from('{"Timeout":30,"Environment":{"Variables":{"API_KEY":"x"}}}') },
        { headers: { 'x-amzn-requestid': 'lambda-req' }, body: Buffer.from('{"FunctionName":"fn","Timeout":30}') },
      ),
    );
    assert.equal(call.eventName, 'UpdateFunctionConfiguration20150331v2');
    assert.deepEqual(call.requestParameters, { functionName: 'fn', timeout: 30, environment: { variables: { API_KEY: 'x' } } });
    assert.deepEqual(call.responseElements, { functionName: 'fn', timeout: 30 });
    assert.equal(call.requestId, 'lambda-req');
    assert.equal(call.eventCategory, 'Management');
  });

  void it('reads JSON-protocol errors from __type and from the x-amzn-ErrorType header', () => {
    const call = resolved('dynamodb', 'GetItem');
    const fromBody = recordProxiedCall(
      exchange(call, { body: Buffer.from('{"TableName":"t","Key":{"id":{"S":"1"}}}') }, { status: 400, body: Buffer.from('{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}') }),
    ).call;
    assert.equal(fromBody.errorCode, 'ResourceNotFoundException');
    assert.equal(fromBody.errorMessage, 'Requested resource not found');
    assert.equal(fromBody.eventCategory, 'Data');
    assert.equal(fromBody.managementEvent, false);
    assert.deepEqual(fromBody.requestParameters, { tableName: 't', key: { id: { S: '1' } } });
    const fromHeader = recordProxiedCall(exchange(call, {}, { status: 500, headers: { 'x-amzn-errortype': 'InternalServerError:http://internal.amazon.com/' } })).call;
    assert.equal(fromHeader.errorCode, 'InternalServerError');
  });

  void it('reads RPC v2 CBOR bodies and errors', () => {
    const call = resolved('cloudwatch', 'PutMetricData');
    // {"Namespace": "App", "MetricData": [{"MetricName": "m", "Value": 1.5}]}
    const body = Buffer.from('a2694e616d657370616365634170706a4d65747269634461746181a26a4d65747269634e616d65616d6556616c7565f93e00', 'hex');
    const { call: ok } = recordProxiedCall(exchange(call, { headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' }, body }, {}));
    assert.deepEqual(ok.requestParameters, { namespace: 'App', metricData: [{ metricName: 'm', value: 1.5 }] });
    const error = encodeCborStringMap({ __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'bad' });
    assert.deepEqual(decodeCbor(error), { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'bad' });
    const { call: failed } = recordProxiedCall(exchange(call, { headers: { 'smithy-protocol': 'rpc-v2-cbor' }, body }, { status: 400, body: error }));
    assert.equal(failed.errorCode, 'InvalidParameterValueException');
    assert.equal(failed.errorMessage, 'bad');
  });

  void it('reads S3 requests (bucket, key, Host, sub-resources, XML payload) and S3 errors', () => {
    const call = resolved('s3', 'PutBucketVersioning', { Bucket: 'logs' });
    const { call: versioning } = recordProxiedCall(
      exchange(
        call,
        { method: 'PUT', path: '/logs', query: [['versioning', '']], headers: { host: 's3.eu-west-1.amazonaws.com' }, body: Buffer.from('<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>') },
        { status: 403, headers: { 'x-amz-request-id': 'S3REQ' }, body: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>S3REQ</RequestId></Error>') },
      ),
    );
    assert.deepEqual(versioning.requestParameters, { bucketName: 'logs', Host: 's3.eu-west-1.amazonaws.com', versioning: '', VersioningConfiguration: { Status: 'Enabled' } });
    assert.equal(versioning.errorCode, 'AccessDenied');
    assert.equal(versioning.errorMessage, 'Access Denied');
    assert.equal(versioning.requestId, 'S3REQ');
    assert.equal(versioning.responseElements, null);
  });

  void it('records S3 header outputs by header name as responseElements', () => {
    const call = { ...resolved('s3', 'PutObject', { Key: 'a.txt' }), virtualBucket: 'photos' };
    const { call: put } = recordProxiedCall({
      ...exchange(
        call,
        { method: 'PUT', path: '/a.txt', query: [['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Signature', 'ab']], headers: { host: 'photos.s3.amazonaws.com' } },
        { headers: { etag: '"e"', 'x-amz-version-id': 'v1', 'x-amz-server-side-encryption': 'AES256', 'x-amz-id-2': 'id2' } },
      ),
      bytesIn: 5,
      bytesOut: 0,
    });
    assert.deepEqual(put.additionalEventData, { SignatureVersion: 'SigV4', bytesTransferredIn: 5, AuthenticationMethod: 'QueryString', 'x-amz-id-2': 'id2', bytesTransferredOut: 0 });
    assert.deepEqual(put.requestParameters, { bucketName: 'photos', Host: 'photos.s3.amazonaws.com', key: 'a.txt' });
    assert.deepEqual(put.responseElements, { 'x-amz-server-side-encryption': 'AES256', 'x-amz-version-id': 'v1' });
    assert.deepEqual(put.resources, [
      { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::photos/a.txt' },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::photos' },
    ]);
  });

  void it('hides secrets in parameters and replies', () => {
    const { call } = recordProxiedCall(
      exchange(resolved('secretsmanager', 'CreateSecret'), { body: Buffer.from('{"Name":"db","SecretString":"hunter2"}') }, { body: Buffer.from('{"ARN":"arn:x","Name":"db"}') }),
    );
    assert.deepEqual(buildRecord(call).requestParameters, { name: 'db', secretString: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  });

  void it('learns the identities STS hands out: federation tokens, session tokens and web identities', () => {
    const sts = (operation: string, result: string, params = ''): ReturnType<typeof recordProxiedCall> =>
      recordProxiedCall(
        exchange(resolved('sts', operation), { headers: FORM, body: form(`Action=${operation}&Version=2011-06-15${params}`) }, { body: Buffer.from(`<${operation}Response><${operation}Result>${result}</${operation}Result></${operation}Response>`) }),
      );
    const credentials = (id: string): string => `<Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken></Credentials>`;
    const federated = sts('GetFederationToken', `${credentials('ASIAFED')}<FederatedUser><FederatedUserId>${ACCOUNT}:bob</FederatedUserId><Arn>arn:aws:sts::${ACCOUNT}:federated-user/bob</Arn></FederatedUser>`, '&Name=bob');
    assert.deepEqual(federated.learned, [
      {
        accessKeyId: 'ASIAFED',
        identity: {
          type: 'FederatedUser',
          principalId: `${ACCOUNT}:bob`,
          arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
          accountId: ACCOUNT,
          accessKeyId: 'ASIAFED',
          sessionContext: { sessionIssuer: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT }, attributes: { creationDate: '2026-11-26T12:00:00Z', mfaAuthenticated: 'false' } },
        },
      },
    ]);
    const session = sts('GetSessionToken', credentials('ASIASESSION'));
    assert.deepEqual(session.learned[0]?.identity, { ...ROOT, accessKeyId: 'ASIASESSION', sessionContext: { attributes: { creationDate: '2026-11-26T12:00:00Z', mfaAuthenticated: 'false' } } });
    const web = sts(
      'AssumeRoleWithWebIdentity',
      `${credentials('ASIAWEB')}<AssumedRoleUser><AssumedRoleId>AROAWEB:app</AssumedRoleId><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/web/app</Arn></AssumedRoleUser><Provider>accounts.google.com</Provider>`,
      `&RoleArn=arn%3Aaws%3Aiam%3A%3A${ACCOUNT}%3Arole%2Fweb&RoleSessionName=app&WebIdentityToken=tok`,
    );
    const context = web.learned[0]?.identity.sessionContext as Record<string, unknown>;
    assert.deepEqual(context.webIdFederationData, { federatedProvider: 'accounts.google.com', attributes: {} });
    assert.deepEqual(context.sessionIssuer, { type: 'Role', principalId: 'AROAWEB', arn: `arn:aws:iam::${ACCOUNT}:role/web`, accountId: ACCOUNT, userName: 'web' });
    assert.equal((buildRecord(web.call).responseElements?.credentials as Record<string, string>).sessionToken, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  });

  void it('records a gateway-side failure with its code and no upstream reply', () => {
    const { call, learned } = recordProxiedCall({ ...exchange(resolved('sqs', 'ListQueues'), { body: Buffer.from('{}') }), failure: { code: 'ServiceUnavailable', message: 'down' } });
    assert.equal(call.errorCode, 'ServiceUnavailable');
    assert.equal(call.errorMessage, 'down');
    assert.equal(call.requestId, 'cairn-id');
    assert.deepEqual(learned, []);
  });

  void it('records a call the routing table does not know with the names the gateway could read', () => {
    const { call } = recordProxiedCall({
      ...exchange(resolved('sqs', 'ListQueues'), { body: Buffer.from('{}') }, { status: 400, body: Buffer.from('{"__type":"UnknownOperationException"}') }),
      resolved: undefined,
      unresolved: { eventSource: 'sqs.amazonaws.com', eventName: 'ListQueuesV9' },
    });
    assert.equal(call.eventSource, 'sqs.amazonaws.com');
    assert.equal(call.eventName, 'ListQueuesV9');
    assert.equal(call.errorCode, 'UnknownOperationException');
    assert.equal(call.requestParameters, null);
    assert.equal(call.eventCategory, 'Management');
  });

  void it('never throws on malformed bodies: the event keeps what could be read', () => {
    const { call } = recordProxiedCall(exchange(resolved('kms', 'CreateKey'), { body: Buffer.from('{not json') }, { body: Buffer.from('<<<') }));
    assert.equal(call.requestParameters, null);
    assert.equal(call.responseElements, null);
    assert.equal(call.eventName, 'CreateKey');
  });
});

void describe('XML and form readers', () => {
  void it('parses entities, CDATA, namespaces and member/item lists', () => {
    const root = parseXml('<?xml version="1.0"?><a:R xmlns:a="x"><L><member>1</member><member>2</member></L><S><item><v>&lt;x&gt; &amp;</v></item></S><C><![CDATA[<raw>]]></C></a:R>');
    assert.deepEqual(xmlToValue(root!), { l: ['1', '2'], s: { items: [{ v: '<x> &' }] }, c: '<raw>' });
    assert.equal(parseXml('<a><b></a>'), undefined);
  });

  void it('reads REST-XML lists whose members are named in the singular (Route 53 change batches)', () => {
    const call = resolved('route53', 'ChangeResourceRecordSets', { Id: 'Z1' });
    const body =
      '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>CREATE</Action>' +
      '<ResourceRecordSet><Name>a.example.com</Name><Type>A</Type><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>' +
      '</Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>';
    const { call: recorded } = recordProxiedCall(exchange(call, { path: '/2013-04-01/hostedzone/Z1/rrset/', body: Buffer.from(body) }, {}));
    assert.deepEqual(recorded.requestParameters, {
      hostedZoneId: 'Z1',
      changeBatch: { changes: [{ action: 'CREATE', resourceRecordSet: { name: 'a.example.com', type: 'A', resourceRecords: [{ value: '192.0.2.1' }] } }] },
    });
  });

  void it('decodes numbered and member lists', () => {
    assert.deepEqual(decodeForm([['A.member.2', 'y'], ['A.member.1', 'x'], ['B.1.C', 'z']]), { A: ['x', 'y'], B: [{ C: 'z' }] });
  });
});
