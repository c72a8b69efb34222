import { parseAmzDate } from './amz-date.js';
import { ALGORITHM, badDate, parseCredentialScope, parseSignedHeaders, type SignatureClaim } from './claim.js';
import { incompleteSignature } from './errors.js';
import { queryParam } from './request-target.js';

const MAX_PRESIGN_SECONDS = 604_800;
const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];

/** Any of these in the query makes it a presigned request. */
export function looksPresigned(query: ReadonlyArray<[string, string]>): boolean {
  return ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((k) => queryParam(query, k) !== undefined);
}

/** Reads the X-Amz-* parameters of a presigned URL. */
export function claimFromQuery(query: ReadonlyArray<[string, string]>): SignatureClaim {
  const get = (k: string): string => queryParam(query, k) ?? '';
  const missing = REQUIRED.filter((k) => get(k) === '');
  if (missing.length > 0) {
    const each = missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' ');
    throw incompleteSignature(`${each} Re-examine the query-string parameters.`);
  }
  if (get('X-Amz-Algorithm') !== ALGORITHM) throw incompleteSignature(`X-Amz-Algorithm only supports '${ALGORITHM}'`);
  const signedAt = parseAmzDate(get('X-Amz-Date'));
  if (signedAt === undefined) throw badDate(get('X-Amz-Date'));
  return {
    form: 'query',
    ...parseCredentialScope(get('X-Amz-Credential'), signedAt),
    signedHeaders: parseSignedHeaders(get('X-Amz-SignedHeaders')),
    signature: get('X-Amz-Signature'),
    signedAt,
    expires: parseExpires(queryParam(query, 'X-Amz-Expires')),
    sessionToken: queryParam(query, 'X-Amz-Security-Token'),
  };
}

function parseExpires(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text)) throw incompleteSignature('X-Amz-Expires should be a number');
  const seconds = Number(text);
  if (seconds > MAX_PRESIGN_SECONDS) {
    throw incompleteSignature('X-Amz-Expires must be less than a week (in seconds) that is 604800 seconds');
  }
  return seconds;
}
