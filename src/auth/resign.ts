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
 * Smithy's signer with its canonical-request and string-to-sign steps opened up. `sign()` and
 * `presign()` cannot be used to re-sign: they drop a signed `Date` header, always add
 * X-Amz-Date / a token, hoist X-Amz-* headers into the query and pick their own payload hash.
 */
class Resigner extends SignatureV4 {
  canonicalRequest(request: HttpRequest, signedHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, signedHeaders, payloadHash);
  }

  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
  }
}

/**
 * Signers are kept per (key, secret, region, service): each caches its derived signing key, so a
 * steady client costs one HMAC chain per day instead of one per request.
 */
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

/** The hex signature a correct client computes for `input`. */
export async function expectedSignature(input: SigningInput): Promise<string> {
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
  const stringToSign = await signer.stringToSign(formatAmzDate(input.signedAt), input.scope, canonical);
  const signingDate = new Date(input.signedAt);
  // sign(string) derives (and caches) the signing key for this secret, date, region and service.
  return signer.sign(stringToSign, { signingDate, signingRegion: input.region, signingService: input.service });
}

function queryBag(pairs: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of pairs) {
    const prior = bag[key];
    bag[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return bag;
}
