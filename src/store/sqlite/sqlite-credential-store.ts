import type Database from 'better-sqlite3';
import { toCredential } from '../credential-rows.js';
import type { CredentialRow } from '../credential-rows.js';
import type { Credential, CredentialStore, SettingsStore } from '../types.js';

export class SqliteCredentialStore implements CredentialStore {
  /** Every signed request looks its key up: prepared once. */
  private readonly byKey;

  constructor(private readonly db: Database.Database) {
    this.byKey = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE access_key_id = ?');
  }

  get(accessKeyId: string): Promise<Credential | undefined> {
    const row = this.byKey.get(accessKeyId);
    return Promise.resolve(row && toCredential(row));
  }

  put(c: Credential): Promise<void> {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO credentials (access_key_id, secret_access_key, account_id, principal_type, principal_name, session_name, created_at) VALUES (?,?,?,?,?,?,?)',
      )
      .run(c.accessKeyId, c.secretAccessKey, c.accountId, c.principalType, c.principalName ?? null, c.sessionName ?? null, c.createdAt);
    return Promise.resolve();
  }

  list(): Promise<Credential[]> {
    const rows = this.db.prepare<[], CredentialRow>('SELECT * FROM credentials ORDER BY created_at, access_key_id').all();
    return Promise.resolve(rows.map(toCredential));
  }

  delete(accessKeyId: string): Promise<boolean> {
    return Promise.resolve(this.db.prepare('DELETE FROM credentials WHERE access_key_id = ?').run(accessKeyId).changes > 0);
  }
}

export class SqliteSettingsStore implements SettingsStore {
  constructor(private readonly db: Database.Database) {}

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck().get(name));
  }

  putIfAbsent(name: string, value: string): Promise<string> {
    this.db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run(name, value);
    return this.get(name).then((stored) => stored ?? value);
  }
}
