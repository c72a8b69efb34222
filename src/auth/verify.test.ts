import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { isAwsError } from '../api/index.js';
import type { Credential } from '../store/index.js';
import { verifySigV4, type SignedRequest } from './index.js';

// Requests signed by the very SignatureV4 the AWS SDK for JavaScript uses, then verified.

type HttpRequest = Parameters<SignatureV4['sign']>[0] & { path: string };

/** node:crypto in smithy's Checksum shape, kept apart from the code under test. */
class TestSha256 {
  private h: Hash | Hmac;
  constructor(private readonly key?: string | ArrayBuffer | ArrayBufferView) {
    this.h = this.make();
  }
  private make(): Hash | Hmac {
    if (this.key === undefined) return createHash('sha256');
    const k = typeof this.key === 'string' ? this.key : ArrayBuffer.isView(this.key) ? new Uint8Array(this.key.buffer, this.key.byteOffset, this.key.byteLength) : new Uint8Array(this.key);
    return createHmac('sha256', k);
  }
  update(d: Uint8Array): void {
    this.h.update(d);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.make();
  }
}

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const HOST = 'cloudtrail.us-east-1.amazonaws.com';
const ALICE: Credential = {
  accessKeyId: 'AKIAALICE0000000TEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  accountId: '111122223333',
  principalType: 'IAMUser',
  principalName: 'alice',
  createdAt: 0,
};
const lookup = (id: string): Promise<Credential | undefined> => Promise.resolve(id === ALICE.accessKeyId ? ALICE : undefined);

interface SignArgs {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  secret?: string;
  sessionToken?: string;
  at?: number;
  presignExpires?: number;
  signable?: string[];
}

function signer(a: SignArgs): SignatureV4 {
  const service = a.service ?? 'cloudtrail';
  return new SignatureV4({
    credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: a.secret ?? ALICE.secretAccessKey, sessionToken: a.sessionToken },
    region: 'us-east-1',
    service,
    sha256: TestSha256,
    uriEscapePath: service !== 's3',
  });
}

function toWire(r: HttpRequest, body: Uint8Array): SignedRequest {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') q.append(k, x);
  // URLSearchParams writes spaces as '+', which servers must read as spaces.
  const qs = q.toString();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  return { method: r.method, url: r.path + (qs ? `?${qs}` : ''), headers, body };
}

async function signed(a: SignArgs = {}): Promise<SignedRequest> {
  const body = new TextEncoder().encode(a.body ?? '{}');
  const request: HttpRequest = {
    method: a.method ?? 'POST',
    protocol: 'https:',
    hostname: HOST,
    path: a.path ?? '/',
    query: a.query ?? {},
    headers: a.headers ?? {
      host: HOST,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    },
    body,
  };
  const s = signer(a);
  const signingDate = new Date(a.at ?? NOW);
  const out =
    a.presignExpires !== undefined
      ? await s.presign(request, { signingDate, expiresIn: a.presignExpires })
      : await s.sign(request, { signingDate, signableHeaders: a.signable ? new Set(a.signable) : undefined });
  return toWire(out, body);
}

async function rejects(request: SignedRequest, code: string, message?: string | RegExp, now = NOW): Promise<void> {
  await assert.rejects(verifySigV4(request, lookup, { now }), (e: unknown) => {
    assert.ok(isAwsError(e), `expected an AwsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, 400);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

const MISMATCH = /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.$/;

void describe('verifySigV4 with requests signed by @smithy/signature-v4', () => {
  void it('accepts a CloudTrail JSON call (POST /, X-Amz-Target signed)', async () => {
    const req = await signed();
    assert.match(String(req.headers.authorization), /SignedHeaders=.*x-amz-target/);
    const caller = await verifySigV4(req, lookup, { now: NOW });
    assert.deepEqual(caller, { credential: ALICE, region: 'us-east-1', service: 'cloudtrail', accessKeyId: ALICE.accessKeyId });
  });

  void it('returns the session token of temporary credentials', async () => {
    const caller = await verifySigV4(await signed({ sessionToken: 'FwoGZXIvYXdzEXAMPLE' }), lookup, { now: NOW });
    assert.equal(caller.sessionToken, 'FwoGZXIvYXdzEXAMPLE');
  });

  void it('counts headers smithy would not sign on its own when they are listed as signed', async () => {
    const req = await signed({
      headers: { host: HOST, 'user-agent': 'aws-cli/2  x', 'content-type': 'application/x-amz-json-1.1' },
      signable: ['user-agent'],
    });
    assert.match(String(req.headers.authorization), /user-agent/);
    await verifySigV4(req, lookup, { now: NOW });
    await rejects({ ...req, headers: { ...req.headers, 'user-agent': 'curl/8' } }, 'InvalidSignatureException', MISMATCH);
  });

  void it('canonicalises header values on POST / as the signer does: runs of spaces and tabs, spaces at either end', async () => {
    const req = await signed({
      headers: {
        host: HOST,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
        'x-cairn-note': ' two  spaces\tand a tab \t ',
      },
      signable: ['x-cairn-note'],
    });
    assert.match(String(req.headers.authorization), /x-cairn-note/);
    await verifySigV4(req, lookup, { now: NOW });
    await verifySigV4({ ...req, headers: { ...req.headers, 'x-cairn-note': 'two spaces and a tab' } }, lookup, { now: NOW });
    await rejects({ ...req, headers: { ...req.headers, 'x-cairn-note': 'two spaces and atab' } }, 'InvalidSignatureException', MISMATCH);
  });

  void it('accepts a GET with a path and query needing encoding', async () => {
    const req = await signed({ method: 'GET', path: '/a%20b/c~d', query: { 'x y': 'v w', k: ['2', '1'], e: '' }, body: '' });
    await verifySigV4(req, lookup, { now: NOW });
  });

  void it('accepts an S3 path signed without double encoding', async () => {
    const host = 'localhost:4566';
    const req = await signed({ method: 'PUT', service: 's3', path: '/bucket/a%20b/c~d', headers: { host }, body: 'data' });
    await verifySigV4(req, lookup, { now: NOW });
    await rejects({ ...req, url: '/bucket/a%20c/c~d' }, 'InvalidSignatureException', MISMATCH);
  });

  void it('rejects a tampered body, header, path or query', async () => {
    const req = await signed({ query: { a: '1' } });
    await rejects({ ...req, body: new TextEncoder().encode('{"x":1}') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...req, headers: { ...req.headers, 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DeleteTrail' } }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...req, url: req.url.replace('/?', '/x?') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...req, url: req.url.replace('a=1', 'a=2') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...req, method: 'PUT' }, 'InvalidSignatureException', MISMATCH);
  });

  void it('rejects a wrong secret and an unknown key', async () => {
    await rejects(await signed({ secret: 'not-the-secret' }), 'InvalidSignatureException', MISMATCH);
    const req = await signed();
    const other = String(req.headers.authorization).replace(ALICE.accessKeyId, 'AKIANOBODY0000000000');
    await rejects({ ...req, headers: { ...req.headers, authorization: other } }, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  void it('rejects a request signed 16 minutes ago, in AWS words', async () => {
    const at = Date.UTC(2025, 0, 1, 0, 0, 0);
    await rejects(
      await signed({ at }),
      'InvalidSignatureException',
      // The middle time is now minus the skew (AWS: "... 011252Z (20141106T011752Z - 5 min.)").
      'Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z (20250101T002000Z - 15 min.)',
      at + 20 * 60_000,
    );
    await rejects(await signed({ at: NOW - 16 * 60_000 }), 'InvalidSignatureException', /^Signature expired: /);
    await verifySigV4(await signed({ at: NOW - 14 * 60_000 }), lookup, { now: NOW });
  });

  void it('rejects a request dated in the future', async () => {
    await rejects(
      await signed({ at: NOW + 16 * 60_000 }),
      'InvalidSignatureException',
      'Signature not yet current: 20250101T121600Z is still later than 20250101T121500Z (20250101T120000Z + 15 min.)',
    );
  });

  void it('honours maxSkewMs', async () => {
    const req = await signed({ at: NOW - 6 * 60_000 });
    await assert.rejects(verifySigV4(req, lookup, { now: NOW, maxSkewMs: 5 * 60_000 }), /\(20250101T120000Z - 5 min\.\)/);
  });

  void it('rejects a credential scope dated another day than X-Amz-Date', async () => {
    const req = await signed();
    const auth = String(req.headers.authorization).replace('/20250101/', '/20241231/');
    await rejects(
      { ...req, headers: { ...req.headers, authorization: auth } },
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20241231' != '20250101', from '20250101T120000Z'.",
    );
  });

  void it('answers a request without any signature with MissingAuthenticationTokenException', async () => {
    await rejects({ method: 'POST', url: '/', headers: { host: HOST }, body: new Uint8Array() }, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  void it('answers a malformed Authorization header with IncompleteSignatureException', async () => {
    const req = await signed();
    const base = { ...req, headers: { ...req.headers } };
    await rejects({ ...base, headers: { ...base.headers, authorization: 'Bearer abc' } }, 'IncompleteSignatureException', /^Authorization header requires 'Credential' parameter\. .* Authorization=Bearer abc$/);
    await rejects({ ...base, headers: { ...base.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/x' } }, 'IncompleteSignatureException', /requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./);
    await rejects({ ...base, headers: { ...base.headers, authorization: 'AWS4-HMAC-SHA256 Credential AKIA' } }, 'IncompleteSignatureException', /not a valid key=value pair \(missing equal-sign\)/);
    const auth = String(req.headers.authorization);
    await rejects({ ...base, headers: { ...base.headers, authorization: auth.replace(`${ALICE.accessKeyId}/`, '') } }, 'IncompleteSignatureException', /^Credential must have exactly 5 slash-delimited elements/);
    await rejects({ ...base, headers: { ...base.headers, authorization: auth.replace('SignedHeaders=', 'SignedHeaders=x;').replace(/host;?/, '') } }, 'IncompleteSignatureException', /'Host' or ':authority' must be a 'SignedHeader'/);
    await rejects({ ...base, headers: { ...base.headers, 'x-amz-date': '2025-01-01T12:00:00Z' } }, 'IncompleteSignatureException', /^Date must be in ISO-8601 'basic format'/);
    const noDate = { ...base.headers };
    delete noDate['x-amz-date'];
    await rejects({ ...base, headers: noDate }, 'IncompleteSignatureException', /requires existence of either a 'X-Amz-Date' or a 'Date' header/);
  });

  void it('rejects a scope for another service when services are given', async () => {
    const req = await signed({ service: 'sts' });
    await verifySigV4(req, lookup, { now: NOW });
    await assert.rejects(verifySigV4(req, lookup, { now: NOW, services: ['cloudtrail', 'cloudtrail-data'] }), {
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'cloudtrail'.",
    });
  });

  void it('never accepts a stored credential with an empty secret', async () => {
    const blank = (): Promise<Credential | undefined> => Promise.resolve({ ...ALICE, secretAccessKey: '' });
    await assert.rejects(verifySigV4(await signed({ secret: '' }), blank, { now: NOW }), { code: 'UnrecognizedClientException' });
  });

  void it('rejects a bad terminator in the scope', async () => {
    const req = await signed();
    const auth = String(req.headers.authorization).replace('/aws4_request', '/aws5_request');
    await rejects({ ...req, headers: { ...req.headers, authorization: auth } }, 'InvalidSignatureException', "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
  });
});

void describe('verifySigV4 with URLs presigned by @smithy/signature-v4', () => {
  const presigned = (extra: SignArgs = {}): Promise<SignedRequest> =>
    signed({ method: 'GET', query: { Action: 'LookupEvents', Note: 'a b+c' }, headers: { host: HOST }, body: '', presignExpires: 300, ...extra });

  void it('accepts a presigned URL and keeps its other query parameters signed', async () => {
    const req = await presigned({ sessionToken: 'TOKEN/with+chars=' });
    assert.equal(req.headers.authorization, undefined);
    assert.match(req.url, /X-Amz-Signature=[0-9a-f]{64}/);
    const caller = await verifySigV4(req, lookup, { now: NOW + 60_000 });
    assert.equal(caller.sessionToken, 'TOKEN/with+chars=');
    await rejects({ ...req, url: req.url.replace('Action=LookupEvents', 'Action=DeleteTrail') }, 'InvalidSignatureException', MISMATCH);
    await rejects({ ...req, url: req.url.replace('X-Amz-Expires=300', 'X-Amz-Expires=900') }, 'InvalidSignatureException', MISMATCH);
  });

  void it('rejects a presigned URL after X-Amz-Expires', async () => {
    const req = await presigned();
    await verifySigV4(req, lookup, { now: NOW + 299_000 });
    await rejects(req, 'InvalidSignatureException', 'Signature expired: 20250101T120000Z is now earlier than 20250101T120001Z (20250101T120501Z - 5 min.)', NOW + 301_000);
  });

  void it('rejects a presigned URL dated in the future, and one missing parameters', async () => {
    await rejects(await presigned({ at: NOW + 20 * 60_000 }), 'InvalidSignatureException', /^Signature not yet current: /);
    const req = await presigned();
    await rejects({ ...req, url: req.url.replace(/&?X-Amz-SignedHeaders=[^&]*/, '') }, 'IncompleteSignatureException', "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.");
  });

  void it('accepts a presigned S3 URL (UNSIGNED-PAYLOAD)', async () => {
    const s3 = new SignatureV4({ credentials: ALICE, region: 'us-east-1', service: 's3', sha256: TestSha256, uriEscapePath: false });
    const out = (await s3.presign(
      { method: 'GET', protocol: 'https:', hostname: 'localhost', path: '/bucket/a%20b/c~d', query: {}, headers: { host: 'localhost', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { signingDate: new Date(NOW), expiresIn: 60, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
    )) as HttpRequest;
    // The URL travels without the header, as a browser would fetch it.
    const req = toWire({ ...out, headers: { host: 'localhost' } }, new Uint8Array());
    await verifySigV4(req, lookup, { now: NOW });
  });
});
