import { createHash, createHmac } from 'node:crypto';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import { formatAmzDate } from './amz-date.js';
import { ALGORITHM } from './claim.js';
import { Sha256 } from './sha256.js';

type HttpRequest = Parameters<SignatureV4['presign']>[0];

/** Everything the signature covers, taken from the request as received. */
export interface SigningInput {
  method: string;
  /** Path as sent, still percent-encoded. */
  path: string;
  /** Decoded query pairs; X-Amz-Signature is left out by the canonicaliser. */
  query: ReadonlyArray<[string, string]>;
  /** Exactly the signed headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
  signedAt: number;
  scope: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Smithy's signer with its canonical-request step opened up. `sign()` and `presign()` cannot be
 * used to re-sign: they drop a signed `Date` header, always add X-Amz-Date / a token, hoist
 * X-Amz-* headers into the query and pick their own payload hash.
 */
class Resigner extends SignatureV4 {
  canonicalRequest(request: HttpRequest, signedHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, signedHeaders, payloadHash);
  }
}

/** Signers (canonicalisers) are kept per (key, secret, region, service). */
const signers = new Map<string, Resigner>();
const MAX_SIGNERS = 1024;

function signerFor(input: SigningInput): Resigner {
  const key = `${input.accessKeyId}\u0000${input.secretAccessKey}\u0000${input.region}\u0000${input.service}`;
  let signer = signers.get(key);
  if (!signer) {
    if (signers.size >= MAX_SIGNERS) signers.clear();
    signer = new Resigner({
      credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
      region: input.region,
      service: input.service,
      sha256: Sha256,
      // S3 signs the path as sent; every other service encodes it once more.
      uriEscapePath: input.service !== 's3',
      applyChecksum: false,
    });
    signers.set(key, signer);
  }
  return signer;
}

/**
 * Derived signing keys per (secret, day, region, service): a steady client costs one HMAC chain a
 * day. The string to sign and its HMAC are computed here with node:crypto, synchronously: smithy's
 * own steps went through promises and an extra HMAC per call for their cache key.
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 1024;

function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${secretAccessKey}\u0000${day}\u0000${region}\u0000${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    key = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
    for (const part of [day, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** The hex signature a correct client computes for `input`. */
export function expectedSignature(input: SigningInput): string {
  const signer = signerFor(input);
  const request: HttpRequest = {
    method: input.method,
    protocol: 'https:',
    hostname: input.headers.host ?? '',
    path: input.path,
    query: queryBag(input.query),
    headers: { ...input.headers },
  };
  // signableHeaders: a signed header counts even where smithy would not sign it itself (e.g. user-agent).
  const headers = getCanonicalHeaders(request, undefined, new Set(Object.keys(input.headers)));
  const canonical = signer.canonicalRequest(request, headers, input.payloadHash);
  const longDate = formatAmzDate(input.signedAt);
  const stringToSign = `${ALGORITHM}\n${longDate}\n${input.scope}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
  // The key's day is the signing time's, as SigV4 signers derive it (the scope's day is checked apart).
  const key = signingKey(input.secretAccessKey, longDate.slice(0, 8), input.region, input.service);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

function queryBag(pairs: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of pairs) {
    const prior = bag[key];
    bag[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return bag;
}
