import { parseAmzDate, parseHttpDate } from './amz-date.js';
import { ALGORITHM, badDate, parseCredentialScope, parseSignedHeaders, type SignatureClaim } from './claim.js';
import { incompleteSignature } from './errors.js';
import { headerValue, type HeaderBag } from './headers.js';

/** Reads `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export function claimFromHeader(authorization: string, headers: HeaderBag): SignatureClaim {
  const text = authorization.trim();
  const space = text.search(/\s/);
  const algorithm = space < 0 ? text : text.slice(0, space);
  const fields = new Map<string, string>();
  // Any other scheme (SigV2, Bearer, ...) reads as a header lacking all three parts, as AWS says.
  if (algorithm === ALGORITHM) {
    for (const part of text.slice(space + 1).split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const eq = item.indexOf('=');
      if (eq < 0) {
        throw incompleteSignature(`'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${text}'.`);
      }
      fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
  }
  const amzDate = headerValue(headers, 'x-amz-date');
  const httpDate = headerValue(headers, 'date');
  const missing = ['Credential', 'Signature', 'SignedHeaders']
    .filter((k) => !fields.get(k))
    .map((k) => `Authorization header requires '${k}' parameter.`);
  if (amzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) throw incompleteSignature(`${missing.join(' ')} Authorization=${text}`);

  const signedAt = amzDate !== undefined ? parseAmzDate(amzDate) : parseHttpDate(httpDate ?? '');
  if (signedAt === undefined) throw badDate(amzDate ?? httpDate ?? '');
  return {
    form: 'header',
    ...parseCredentialScope(fields.get('Credential') ?? '', signedAt),
    signedHeaders: parseSignedHeaders(fields.get('SignedHeaders') ?? ''),
    signature: fields.get('Signature') ?? '',
    signedAt,
    sessionToken: headerValue(headers, 'x-amz-security-token'),
  };
}
