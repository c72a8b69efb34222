import { timingSafeEqual } from 'node:crypto';
import type { Credential } from '../store/index.js';
import { checkPresignedWindow, checkSkew } from './amz-date.js';
import { claimFromHeader } from './authorization-header.js';
import type { SignatureClaim } from './claim.js';
import { invalidSignature, missingAuthenticationToken, signatureMismatch, unrecognizedClient } from './errors.js';
import { headerValue, type HeaderBag } from './headers.js';
import { checkDeclaredHash, claimedPayloadHash } from './payload-hash.js';
import { claimFromQuery, looksPresigned } from './presigned-query.js';
import { splitTarget } from './request-target.js';
import { expectedSignature } from './resign.js';

const DEFAULT_SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  method: string;
  /** Raw path and query as received, e.g. `/?X-Amz-Algorithm=...`. */
  url: string;
  /** Lower-case names; a repeated header's values joined with ',' (gateway/joined-headers.ts) or as an array. */
  headers: HeaderBag;
  body: Uint8Array;
}

export type CredentialLookup = (accessKeyId: string) => Promise<Credential | undefined>;

export interface VerifyOptions {
  /** Current time, epoch ms. */
  now: number;
  /** Allowed clock difference; 15 minutes unless set. */
  maxSkewMs?: number;
  /** Signing names this endpoint answers to (e.g. `cloudtrail`); any when unset. */
  services?: readonly string[];
}

export interface VerifiedCaller {
  credential: Credential;
  region: string;
  service: string;
  accessKeyId: string;
  sessionToken?: string;
}

/** Reads the signature a request claims (header or presigned query) without checking it. */
export function readSignatureClaim(request: Pick<SignedRequest, 'url' | 'headers'>): SignatureClaim {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization !== undefined) return claimFromHeader(authorization, request.headers);
  const { query } = splitTarget(request.url);
  if (looksPresigned(query)) return claimFromQuery(query);
  throw missingAuthenticationToken();
}

/** Verifies a SigV4-signed request against Cairn's credentials; throws AWS-shaped errors. */
export async function verifySigV4(
  request: SignedRequest,
  lookupCredential: CredentialLookup,
  options: VerifyOptions,
): Promise<VerifiedCaller> {
  const skew = options.maxSkewMs ?? DEFAULT_SKEW_MS;
  const claim = readSignatureClaim(request);
  if (claim.form === 'query' && claim.expires !== undefined) {
    checkPresignedWindow(claim.signedAt, claim.expires, options.now, skew);
  } else {
    checkSkew(claim.signedAt, options.now, skew);
  }
  if (options.services && !options.services.includes(claim.service)) {
    throw invalidSignature(`Credential should be scoped to correct service: '${options.services[0] ?? ''}'.`);
  }
  const credential = await lookupCredential(claim.accessKeyId);
  // An empty secret would let anyone sign; only emulator credentials have one and they are never looked up.
  if (credential === undefined || credential.secretAccessKey === '') throw unrecognizedClient();

  const target = splitTarget(request.url);
  const payloadHash = claimedPayloadHash(claim, request.headers, target.query, request.body);
  const expected = expectedSignature({
    method: request.method,
    path: target.path,
    query: target.query,
    headers: signedHeaderValues(claim.signedHeaders, request.headers),
    payloadHash,
    signedAt: claim.signedAt,
    scope: claim.scope,
    region: claim.region,
    service: claim.service,
    secretAccessKey: credential.secretAccessKey,
  });
  if (!sameSignature(expected, claim.signature)) throw signatureMismatch();
  checkDeclaredHash(payloadHash, request.body, claim.service);

  const caller: VerifiedCaller = { credential, region: claim.region, service: claim.service, accessKeyId: claim.accessKeyId };
  if (claim.sessionToken !== undefined) caller.sessionToken = claim.sessionToken;
  return caller;
}

/** Exactly the headers the client signed; one it signed but did not send makes the signature fail. */
function signedHeaderValues(names: readonly string[], headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const value = headerValue(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
