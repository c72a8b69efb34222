import type { Credential } from '../store/index.js';
import { isAccountId } from './validate.js';

/**
 * For `--auth off`, every key is accepted and acts as an account's root. A 12-digit key id picks
 * that account (handy for multi-account tests); any other key is the default account.
 */
export function emulatorCredential(accessKeyId: string, defaults: { accountId: string }): Credential {
  return {
    accessKeyId,
    secretAccessKey: '',
    accountId: isAccountId(accessKeyId) ? accessKeyId : defaults.accountId,
    principalType: 'Root',
    createdAt: 0,
  };
}
