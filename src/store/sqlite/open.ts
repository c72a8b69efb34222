import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CairnStore } from '../types.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { SEED_DICTIONARY_BASE64 } from './seed-dictionary.generated.js';
import { SqliteCredentialStore, SqliteSettingsStore } from './sqlite-credential-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteTrailStore } from './sqlite-trail-store.js';
import { TRAIL_SCHEMA } from './trail-schema.js';

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
  // 16 KB pages: a compressed chunk (about 4 KB) then shares a page instead of spilling into overflow pages.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  // 256 MB of page cache: random event-id and index inserts stay in memory well past a million events.
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer Cairn (schema ${version})`);
  db.exec(SCHEMA);
  db.exec(TRAIL_SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  // The chunk dictionary is copied into the store once, so later seeds never change existing data.
  db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run('chunk-dictionary', SEED_DICTIONARY_BASE64);
  const dictionary = Buffer.from(db.prepare<[], string>("SELECT value FROM settings WHERE name = 'chunk-dictionary'").pluck().get() ?? '', 'base64');
  return {
    events: new SqliteEventStore(db, dictionary),
    credentials: new SqliteCredentialStore(db),
    settings: new SqliteSettingsStore(db),
    trails: new SqliteTrailStore(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
