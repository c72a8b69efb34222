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
  secretAccessKey: string;
}

/**
 * Smithy's canonical request, the one step of its signer Cairn uses. `sign()` and `presign()`
 * cannot be used to re-sign: they drop a signed `Date` header, always add X-Amz-Date / a token,
 * hoist X-Amz-* headers into the query and pick their own payload hash.
 */
class Canonicaliser extends SignatureV4 {
  constructor(uriEscapePath: boolean) {
    // Only the path's escaping shapes a canonical request; credentials, region and service are never read.
    super({ credentials: { accessKeyId: '', secretAccessKey: '' }, region: '', service: '', sha256: Sha256, uriEscapePath, applyChecksum: false });
  }

  canonicalRequest(request: HttpRequest, signedHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, signedHeaders, payloadHash);
  }
}

// S3 signs the path as sent; every other service encodes it once more.
const S3_PATHS = new Canonicaliser(false);
const ESCAPED_PATHS = new Canonicaliser(true);

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
  const canonical = input.path === '/' && input.query.length === 0 ? rootCanonicalRequest(input) : smithyCanonicalRequest(input);
  const longDate = formatAmzDate(input.signedAt);
  const stringToSign = `${ALGORITHM}\n${longDate}\n${input.scope}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
  // The key's day is the signing time's, as SigV4 signers derive it (the scope's day is checked apart).
  const key = signingKey(input.secretAccessKey, longDate.slice(0, 8), input.region, input.service);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

function smithyCanonicalRequest(input: SigningInput): string {
  const canonicaliser = input.service === 's3' ? S3_PATHS : ESCAPED_PATHS;
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
  return canonicaliser.canonicalRequest(request, headers, input.payloadHash);
}

/**
 * The canonical request of a call to `/` without a query string (every JSON-protocol call, so
 * every call to Cairn's own API), built directly: the same text smithy builds (tested against it),
 * without its request copy, header filters and path normalisation, which leave `/` as it is.
 */
function rootCanonicalRequest(input: SigningInput): string {
  const names = Object.keys(input.headers).sort();
  let headerLines = '';
  for (const name of names) headerLines += `${name}:${canonicalHeaderValue(input.headers[name] ?? '')}\n`;
  return `${input.method}\n/\n\n${headerLines}\n${names.join(';')}\n${input.payloadHash}`;
}

/** Line breaks become spaces, runs of spaces and tabs one space, and one space is trimmed from each end. */
function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CANONICALISING.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

const NEEDS_CANONICALISING = /[\r\n\t]| {2}|^ | $/;

function queryBag(pairs: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of pairs) {
    const prior = bag[key];
    bag[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return bag;
}
