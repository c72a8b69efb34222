/**
 * Request builders for the load generator. Each export is a factory `(args) => RequestBuilder`
 * that `runLoadInChild` calls once inside the load-generator process; reference them as
 * `{ module: 'bench/lib/requests.ts', export: '<name>', args }`.
 */
import type { HttpRequestSpec, RequestBuilder } from './loadgen.js';
import { CLOUDTRAIL_TARGET_PREFIX, signJsonRequest } from './sigv4.js';
import type { Credentials } from './sigv4.js';
import type { LookupEventsRequestBody } from './lookup-shape.js';

export interface FixedArgs {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The same request every time. */
export function fixedBuilder(args: unknown): RequestBuilder {
  const a = (args ?? {}) as FixedArgs;
  const spec: HttpRequestSpec = { method: a.method ?? 'GET', path: a.path ?? '/', headers: a.headers ?? {}, body: a.body };
  return () => spec;
}

export interface LookupEventsArgs {
  /** Server under test, e.g. http://127.0.0.1:4566 (signed as the Host header). */
  endpoint: string;
  region?: string;
  credentials?: Credentials;
  /** Request bodies to cycle through (e.g. from `lookupRequestMix`); default: one unfiltered page. */
  bodies?: LookupEventsRequestBody[];
  /** Operation (default LookupEvents). */
  operation?: string;
  /**
   * X-Amz-Target prefix. Default: the service model's `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.`
   * (what botocore / the AWS CLI send); the JS SDK v3 sends the short `CloudTrail_20131101.`.
   */
  targetPrefix?: string;
}

/** Credentials for local servers that accept any signature-valid request (Cairn's default dev keys). */
export const BENCH_CREDENTIALS: Credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * SigV4-signed CloudTrail JSON requests, signed once per distinct body at start-up (valid for
 * 15 minutes: keep runs shorter) and replayed round-robin.
 */
export async function lookupEventsBuilder(args: unknown): Promise<RequestBuilder> {
  const a = args as LookupEventsArgs;
  if (!a?.endpoint) throw new Error('lookupEventsBuilder needs args.endpoint');
  const bodies = (a.bodies?.length ? a.bodies : [{ MaxResults: 50 }]).map((b) => JSON.stringify(b));
  const date = new Date();
  const specs = await Promise.all(
    bodies.map((body) =>
      signJsonRequest({
        endpoint: a.endpoint,
        region: a.region ?? 'us-east-1',
        service: 'cloudtrail',
        target: (a.targetPrefix ?? CLOUDTRAIL_TARGET_PREFIX) + (a.operation ?? 'LookupEvents'),
        body,
        credentials: a.credentials ?? BENCH_CREDENTIALS,
        date,
      }),
    ),
  );
  return (i) => specs[i % specs.length]!;
}
