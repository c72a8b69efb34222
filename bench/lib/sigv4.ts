/**
 * SigV4 signing of AWS JSON 1.1 requests (CloudTrail's protocol) with @smithy/signature-v4 and
 * node:crypto. A signature stays valid for 15 minutes, so a benchmark signs each distinct body
 * once and replays it.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/auth/index.js';
import type { HttpRequestSpec } from './loadgen.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignJsonOptions {
  /** Endpoint, e.g. http://127.0.0.1:8080 (the Host header is signed). */
  endpoint: string;
  region: string;
  /** Signing name, e.g. `cloudtrail`. */
  service: string;
  /** X-Amz-Target, e.g. `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`. */
  target: string;
  body: string;
  credentials: Credentials;
  /** Signing time (default now). */
  date?: Date;
  /** Extra headers to send and sign. */
  headers?: Record<string, string>;
}

/** The service model's X-Amz-Target prefix (botocore / AWS CLI). JS SDK v3 sends `CloudTrail_20131101.<Op>`. */
export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';

/** Signs one AWS JSON 1.1 POST; the result can be replayed for up to 15 minutes. */
export async function signJsonRequest(o: SignJsonOptions): Promise<HttpRequestSpec> {
  const url = new URL(o.endpoint);
  const signer = new SignatureV4({ credentials: o.credentials, region: o.region, service: o.service, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': o.target,
        'content-length': String(Buffer.byteLength(o.body)),
        ...o.headers,
      },
      body: o.body,
    },
    { signingDate: o.date ?? new Date() },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k] = v;
  return { method: 'POST', path: '/', headers, body: o.body };
}
