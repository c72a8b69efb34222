import type pg from 'pg';
import { toCredential } from '../credential-rows.js';
import type { CredentialRow } from '../credential-rows.js';
import type { Credential, CredentialStore, SettingsStore } from '../types.js';

export class PostgresCredentialStore implements CredentialStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(accessKeyId: string): Promise<Credential | undefined> {
    const { rows } = await this.pool.query<CredentialRow>({ name: 'credential-by-key', text: 'SELECT * FROM credentials WHERE access_key_id = $1', values: [accessKeyId] });
    return rows[0] && toCredential(rows[0]);
  }

  async put(c: Credential): Promise<void> {
    await this.pool.query(
      `INSERT INTO credentials (access_key_id, secret_access_key, account_id, principal_type, principal_name, session_name, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (access_key_id) DO UPDATE SET secret_access_key = EXCLUDED.secret_access_key, account_id = EXCLUDED.account_id, principal_type = EXCLUDED.principal_type,
         principal_name = EXCLUDED.principal_name, session_name = EXCLUDED.session_name, created_at = EXCLUDED.created_at`,
      [c.accessKeyId, c.secretAccessKey, c.accountId, c.principalType, c.principalName ?? null, c.sessionName ?? null, c.createdAt],
    );
  }

  async list(): Promise<Credential[]> {
    const { rows } = await this.pool.query<CredentialRow>('SELECT * FROM credentials ORDER BY created_at, access_key_id');
    return rows.map(toCredential);
  }

  async delete(accessKeyId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM credentials WHERE access_key_id = $1', [accessKeyId]);
    return (result.rowCount ?? 0) > 0;
  }
}

export class PostgresSettingsStore implements SettingsStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(name: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name]);
    return rows[0]?.value;
  }

  async putIfAbsent(name: string, value: string): Promise<string> {
    await this.pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.get(name)) ?? value;
  }
}
