/** Credential rows as both SQL backends keep them. */
import type { Credential, PrincipalType } from './types.js';

export interface CredentialRow {
  access_key_id: string;
  secret_access_key: string;
  account_id: string;
  principal_type: string;
  principal_name: string | null;
  session_name: string | null;
  created_at: number;
}

export function toCredential(row: CredentialRow): Credential {
  const credential: Credential = {
    accessKeyId: row.access_key_id,
    secretAccessKey: row.secret_access_key,
    accountId: row.account_id,
    principalType: row.principal_type as PrincipalType,
    createdAt: row.created_at,
  };
  if (row.principal_name !== null) credential.principalName = row.principal_name;
  if (row.session_name !== null) credential.sessionName = row.session_name;
  return credential;
}
