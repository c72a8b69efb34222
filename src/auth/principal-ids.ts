import { createHash } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

// AWS unique ids are a 4-letter kind prefix and 17 upper-case alphanumerics. Cairn derives them
// from account and name so a user or role keeps its id across restarts and machines.
function stableId(prefix: string, kind: string, accountId: string, name: string): string {
  const digest = createHash('sha256').update(`${kind}\0${accountId}\0${name}`).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += ALNUM[(digest[i] ?? 0) % ALNUM.length];
  return id;
}

/** `AIDA...`: the unique id of IAM user `userName`. */
export function userId(accountId: string, userName: string): string {
  return stableId('AIDA', 'user', accountId, userName);
}

/** `AROA...`: the unique id of IAM role `roleName`. */
export function roleId(accountId: string, roleName: string): string {
  return stableId('AROA', 'role', accountId, roleName);
}
