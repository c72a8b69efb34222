import type { AwsError } from '../api/index.js';
import { formatAmzDate } from './amz-date.js';
import { incompleteSignature, invalidSignature } from './errors.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** What a request claims about its signature, before any check against a secret. */
export interface SignatureClaim {
  form: 'header' | 'query';
  accessKeyId: string;
  /** `date/region/service/aws4_request`, as sent. */
  scope: string;
  region: string;
  service: string;
  /** Lower-case header names, in the order sent. */
  signedHeaders: string[];
  signature: string;
  /** Signing time, epoch ms. */
  signedAt: number;
  /** Presigned URLs only: lifetime in seconds, when given. */
  expires?: number;
  sessionToken?: string;
}

export type ScopeClaim = Pick<SignatureClaim, 'accessKeyId' | 'scope' | 'region' | 'service'>;

/** Splits `AKID/date/region/service/aws4_request` and checks it against the signing time. */
export function parseCredentialScope(credential: string, signedAt: number): ScopeClaim {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  const amzDate = formatAmzDate(signedAt);
  const problems: string[] = [];
  if (region === '') problems.push('Credential should be scoped to a valid region.');
  if (service === '') problems.push('Credential should be scoped to correct service.');
  if (terminator !== 'aws4_request') {
    problems.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (date !== amzDate.slice(0, 8)) {
    problems.push(
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
        `'${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (problems.length > 0) throw invalidSignature(problems.join(' '));
  return { accessKeyId, scope: parts.slice(1).join('/'), region, service };
}

/** `a;b;c` to names; the Host header must be among them or the signature could be replayed elsewhere. */
export function parseSignedHeaders(list: string): string[] {
  const names = list.split(';').map((h) => h.trim().toLowerCase());
  if (!names.includes('host')) {
    throw incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return names;
}

export function badDate(value: string): AwsError {
  return incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}
