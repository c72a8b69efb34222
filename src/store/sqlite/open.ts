import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CairnStore } from '../types.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { SqliteCredentialStore, SqliteSettingsStore } from './sqlite-credential-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

export interface SqliteStoreOptions {
  /** Directory holding `cairn.db`; created (0700) when missing. */
  dataDir: string;
}

/**
 * Opens the embedded store. WAL with synchronous=FULL: a commit is on disk before `append`
 * resolves, and readers never wait for the writer.
 */
export function openSqliteStore(options: SqliteStoreOptions): CairnStore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, 'cairn.db');
  const db = new Database(file);
  chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  db.pragma('foreign_keys = OFF');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer Cairn (schema ${version})`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return {
    events: new SqliteEventStore(db),
    credentials: new SqliteCredentialStore(db),
    settings: new SqliteSettingsStore(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
