import { AwsError } from '../api/index.js';

// The authentication failures, worded as AWS words them (JSON services answer them with HTTP 400).

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function missingAuthenticationToken(): AwsError {
  return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
}

export function unrecognizedClient(): AwsError {
  return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
}

export function signatureMismatch(): AwsError {
  return new AwsError('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
}

/** Scope, date or expiry problems: AWS reports them as a signature that cannot be valid. */
export function invalidSignature(message: string): AwsError {
  return new AwsError('InvalidSignatureException', message);
}

/** The signature is malformed or pieces of it are missing. */
export function incompleteSignature(message: string): AwsError {
  return new AwsError('IncompleteSignatureException', message);
}

/** A signed payload hash that the body does not match (S3's code for it). */
export function contentSha256Mismatch(): AwsError {
  return new AwsError(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  );
}
