import { identityFor, newAccessKey, validateAccountId, validatePrincipalName } from '../auth/index.js';
import { exportLines, openConfiguredStore } from '../main.js';
import type { Credential, PrincipalType } from '../store/index.js';

export interface KeyFlags {
  dataDir: string;
  store?: string;
  accountId: string;
  user?: string;
  role?: string;
  session?: string;
  region: string;
}

export async function createKey(flags: KeyFlags): Promise<void> {
  process.umask(0o077);
  validateAccountId(flags.accountId);
  let principalType: PrincipalType = 'Root';
  const credential: Credential = { ...newAccessKey(flags.role ? 'ASIA' : 'AKIA'), accountId: flags.accountId, principalType, createdAt: Date.now() };
  if (flags.user && flags.role) throw new Error('give --user or --role, not both');
  if (flags.user) {
    validatePrincipalName(flags.user);
    principalType = 'IAMUser';
    credential.principalName = flags.user;
  } else if (flags.role) {
    validatePrincipalName(flags.role);
    principalType = 'AssumedRole';
    credential.principalName = flags.role;
    credential.sessionName = flags.session ?? 'cairn-session';
  }
  credential.principalType = principalType;
  const store = await openConfiguredStore(flags);
  try {
    await store.credentials.put(credential);
  } finally {
    await store.close();
  }
  process.stdout.write(`# ${identityFor(credential).arn ?? ''}\n${exportLines(credential, flags.region)}`);
}

export async function listKeys(flags: { dataDir: string; store?: string; output: string }): Promise<void> {
  const store = await openConfiguredStore(flags);
  try {
    const keys = (await store.credentials.list()).map((c) => ({
      AccessKeyId: c.accessKeyId,
      AccountId: c.accountId,
      PrincipalType: c.principalType,
      Arn: identityFor(c).arn,
      CreatedAt: new Date(c.createdAt).toISOString(),
    }));
    if (flags.output === 'json') {
      process.stdout.write(JSON.stringify({ Keys: keys }, null, 2) + '\n');
    } else {
      for (const k of keys) process.stdout.write(`${k.AccessKeyId}\t${k.AccountId}\t${k.PrincipalType}\t${k.Arn ?? ''}\t${k.CreatedAt}\n`);
    }
  } finally {
    await store.close();
  }
}

export async function deleteKey(accessKeyId: string, flags: { dataDir: string; store?: string }): Promise<void> {
  const store = await openConfiguredStore(flags);
  try {
    if (!(await store.credentials.delete(accessKeyId))) throw new Error(`no such access key: ${accessKeyId}`);
  } finally {
    await store.close();
  }
  process.stdout.write(`deleted ${accessKeyId}\n`);
}
