import type { Credential } from '../store/index.js';
import type { CredentialLookup } from './verify.js';

export const CREDENTIAL_CACHE_TTL_MS = 2_000;
const MAX_ENTRIES = 1_024;

/**
 * Remembers found credentials for two seconds: every signed request looks its key up, and a key
 * deleted by `cairn keys delete` in another process stops working within the TTL (IAM key deletion
 * is not instant either). Unknown keys are never cached, so guessing keys cannot fill memory.
 */
export function cachedCredentialLookup(lookup: CredentialLookup, clock: () => number = Date.now): CredentialLookup {
  const entries = new Map<string, { credential: Credential; until: number }>();
  return async (accessKeyId) => {
    const now = clock();
    const hit = entries.get(accessKeyId);
    if (hit && hit.until > now) return hit.credential;
    const credential = await lookup(accessKeyId);
    entries.delete(accessKeyId);
    if (credential) {
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(accessKeyId, { credential, until: now + CREDENTIAL_CACHE_TTL_MS });
    }
    return credential;
  };
}
