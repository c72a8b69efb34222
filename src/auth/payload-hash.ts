import type { SignatureClaim } from './claim.js';
import { contentSha256Mismatch, signatureMismatch } from './errors.js';
import { headerValue, type HeaderBag } from './headers.js';
import { sha256Hex } from './sha256.js';

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** The payload hash the client put in its canonical request. */
export function claimedPayloadHash(
  claim: SignatureClaim,
  headers: HeaderBag,
  query: ReadonlyArray<[string, string]>,
  body: Uint8Array,
): string {
  const declared =
    headerValue(headers, 'x-amz-content-sha256') ??
    (claim.form === 'query' ? query.find(([k]) => k.toLowerCase() === 'x-amz-content-sha256')?.[1] : undefined);
  if (declared !== undefined) return declared;
  // Presigned S3 URLs never cover a body (botocore and the JS presigner both use this constant).
  if (claim.form === 'query' && claim.service === 's3') return UNSIGNED_PAYLOAD;
  return sha256Hex(body);
}

/**
 * A declared hash is signed, but the body is not: check the body really has that hash, or a
 * captured request could be replayed with another body. UNSIGNED-PAYLOAD / STREAMING-* are the
 * client's explicit choice not to cover the body (chunk signatures are not verified here).
 */
export function checkDeclaredHash(declared: string, body: Uint8Array, service: string): void {
  if (!/^[0-9a-f]{64}$/i.test(declared) || declared.toLowerCase() === sha256Hex(body)) return;
  // S3 names this failure; for the JSON services the body is simply not what was signed.
  throw service === 's3' ? contentSha256Mismatch() : signatureMismatch();
}
