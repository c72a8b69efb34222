import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { isAwsError } from '../api/index.js';
import type { Credential } from '../store/index.js';
import { verifySigV4, type SignedRequest } from './index.js';

// Requests signed by botocore (what boto3 and the AWS CLI use), then verified.

const SIGN = `
import json, sys
from botocore.auth import SigV4Auth, SigV4QueryAuth, S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for j in json.load(sys.stdin):
    creds = Credentials(j['key'], j['secret'], j.get('token'))
    req = AWSRequest(method=j['method'], url=j['url'], headers=j.get('headers') or {},
                     data=j.get('body', '').encode(), params=j.get('params') or {})
    s3 = j['service'] == 's3'
    if j.get('expires') is not None:
        signer = (S3SigV4QueryAuth if s3 else SigV4QueryAuth)(creds, j['service'], j['region'], expires=j['expires'])
    else:
        signer = (S3SigV4Auth if s3 else SigV4Auth)(creds, j['service'], j['region'])
    signer.add_auth(req)
    p = req.prepare()
    out.append({'url': p.url, 'headers': dict(p.headers.items())})
print(json.dumps(out))
`;

interface Job {
  method: string;
  url: string;
  service: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  body?: string;
  expires?: number;
  secret?: string;
  token?: string;
}

const KEY: Credential = {
  accessKeyId: 'AKIABOTOCORE00000001',
  secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I',
  accountId: '111122223333',
  principalType: 'Root',
  createdAt: 0,
};
const lookup = (id: string): Promise<Credential | undefined> => Promise.resolve(id === KEY.accessKeyId ? KEY : undefined);

/** Signs every job in one python process; returns the requests as a node server would see them. */
function botocoreSign(jobs: Job[]): SignedRequest[] {
  const input = jobs.map((j) => ({ key: KEY.accessKeyId, secret: KEY.secretAccessKey, region: 'us-east-1', ...j }));
  const stdout = execFileSync('python3', ['-c', SIGN], { input: JSON.stringify(input), encoding: 'utf8' });
  const results = JSON.parse(stdout) as Array<{ url: string; headers: Record<string, string> }>;
  return results.map((r, i) => {
    const headers: Record<string, string> = { host: /^https?:\/\/([^/]+)/.exec(r.url)?.[1] ?? '' };
    for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
    return {
      method: jobs[i]?.method ?? 'GET',
      url: r.url.replace(/^https?:\/\/[^/]+/, ''),
      headers,
      body: new TextEncoder().encode(jobs[i]?.body ?? ''),
    };
  });
}

async function rejects(request: SignedRequest, code: string, message?: RegExp, now = Date.now()): Promise<void> {
  await assert.rejects(verifySigV4(request, lookup, { now }), (e: unknown) => {
    assert.ok(isAwsError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const MISMATCH = /^The request signature we calculated does not match/;
const CT = 'http://127.0.0.1:4566';
const JSON_CALL: Job = {
  method: 'POST',
  url: `${CT}/`,
  service: 'cloudtrail',
  headers: {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
  },
  body: '{"MaxResults": 5}',
};

void describe('verifySigV4 with requests signed by botocore', () => {
  let r: SignedRequest[] = [];
  before(() => {
    r = botocoreSign([
      JSON_CALL, // 0
      { ...JSON_CALL, token: 'IQoJb3JpZ2luX2VjEXAMPLE/+=' }, // 1
      { method: 'GET', url: `${CT}/a%20b/c~d`, service: 'cloudtrail', params: { a: 'b c', k: 'x/y~z*' } }, // 2
      { method: 'PUT', url: 'http://localhost:4566/bucket/a%20b/c~d', service: 's3', body: 'object body' }, // 3
      { method: 'GET', url: `${CT}/?Action=LookupEvents&Note=x%20y`, service: 'cloudtrail', expires: 300 }, // 4
      { method: 'GET', url: 'http://localhost:4566/bucket/a%20b/c~d', service: 's3', expires: 60 }, // 5
      { method: 'GET', url: `${CT}/?x=1`, service: 'cloudtrail', expires: 1 }, // 6
      { ...JSON_CALL, secret: 'wrong-secret' }, // 7
      { ...JSON_CALL, headers: { ...JSON_CALL.headers, Date: 'Wed, 01 Jan 2025 00:00:00 GMT' } }, // 8
    ]);
  });

  void it('accepts the CloudTrail JSON call shape (X-Amz-Target signed)', async () => {
    assert.match(String(r[0]?.headers.authorization), /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    const caller = await verifySigV4(r[0]!, lookup, { now: Date.now() });
    assert.equal(caller.region, 'us-east-1');
    assert.equal(caller.service, 'cloudtrail');
    assert.equal(caller.sessionToken, undefined);
  });

  void it('returns the session token botocore signs', async () => {
    const caller = await verifySigV4(r[1]!, lookup, { now: Date.now() });
    assert.equal(caller.sessionToken, 'IQoJb3JpZ2luX2VjEXAMPLE/+=');
  });

  void it('accepts a double-encoded path and a query botocore sends with +', async () => {
    assert.match(r[2]!.url, /a=b\+c/);
    await verifySigV4(r[2]!, lookup, { now: Date.now() });
  });

  void it('accepts an S3 path signed without double encoding, and checks the body hash', async () => {
    await verifySigV4(r[3]!, lookup, { now: Date.now() });
    await rejects({ ...r[3]!, body: new TextEncoder().encode('other body') }, 'XAmzContentSHA256Mismatch');
    await rejects({ ...r[3]!, url: '/bucket/a%20b/c~e' }, 'InvalidSignatureException', MISMATCH);
  });

  void it('accepts presigned URLs (SigV4QueryAuth, S3SigV4QueryAuth)', async () => {
    assert.match(r[4]!.url, /X-Amz-Expires=300/);
    await verifySigV4(r[4]!, lookup, { now: Date.now() });
    await verifySigV4(r[5]!, lookup, { now: Date.now() });
    await rejects({ ...r[4]!, url: r[4]!.url.replace('LookupEvents', 'DeleteTrail') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...r[5]!, url: r[5]!.url.replace('/bucket/', '/other/') }, 'InvalidSignatureException', MISMATCH);
  });

  void it('rejects an expired presigned URL', async () => {
    await rejects(r[6]!, 'InvalidSignatureException', /^Signature expired: /, Date.now() + 5_000);
  });

  void it('rejects a tampered body, header, path or query, a wrong secret and an unknown key', async () => {
    const ok = r[0]!;
    await rejects({ ...ok, body: new TextEncoder().encode('{"MaxResults": 50}') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...ok, headers: { ...ok.headers, 'content-type': 'application/json' } }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...ok, url: '/x' }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...r[2]!, url: r[2]!.url.replace('a=b+c', 'a=b+d') }, 'InvalidSignatureException', MISMATCH);
    await rejects(r[7]!, 'InvalidSignatureException', MISMATCH);
    const auth = String(ok.headers.authorization).replace(KEY.accessKeyId, 'AKIAUNKNOWN000000000');
    await rejects({ ...ok, headers: { ...ok.headers, authorization: auth } }, 'UnrecognizedClientException');
  });

  void it('rejects stale and future requests', async () => {
    await rejects(r[0]!, 'InvalidSignatureException', /^Signature expired: .* \(\d{8}T\d{6}Z - 15 min\.\)$/, Date.now() + 16 * 60_000);
    await rejects(r[0]!, 'InvalidSignatureException', /^Signature not yet current: /, Date.now() - 16 * 60_000);
  });

  void it('accepts botocore signing with a Date header and no X-Amz-Date (smithy sign() could not re-sign it)', async () => {
    assert.match(String(r[8]?.headers.authorization), /SignedHeaders=content-type;date;host;x-amz-target,/);
    assert.equal(r[8]?.headers['x-amz-date'], undefined);
    await verifySigV4(r[8]!, lookup, { now: Date.now() });
  });
});
