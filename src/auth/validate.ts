import { AwsError } from '../api/index.js';

const ACCOUNT_ID = /^\d{12}$/;
// IAM's pattern for user and role names: [\w+=,.@-]+, 1 to 64 characters.
const PRINCIPAL_NAME = /^[\w+=,.@-]{1,64}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** Returns `value` if it is a 12-digit AWS account id, else throws ValidationError. */
export function validateAccountId(value: string): string {
  if (!isAccountId(value)) {
    throw new AwsError('ValidationError', `Invalid account id '${value}': an AWS account id is exactly 12 digits.`);
  }
  return value;
}

export function isPrincipalName(value: string): boolean {
  return PRINCIPAL_NAME.test(value);
}

/** Returns `value` if it is a valid IAM user or role name, else throws ValidationError as IAM words it. */
export function validatePrincipalName(value: string, member = 'userName'): string {
  if (!isPrincipalName(value)) {
    const why =
      value.length < 1 || value.length > 64
        ? 'Member must have length between 1 and 64'
        : 'Member must satisfy regular expression pattern: [\\w+=,.@-]+';
    throw new AwsError('ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${why}`);
  }
  return value;
}
