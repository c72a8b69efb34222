import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CairnStore } from '../types.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { SEED_DICTIONARY_BASE64 } from './seed-dictionary.generated.js';
import { SqliteCredentialStore, SqliteSettingsStore } from './sqlite-credential-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { WalSync } from './wal-sync.js';
import { Checkpointer } from './checkpointer.js';
import { LEARNED_IDENTITIES_SCHEMA } from './learned-identities-schema.js';
import { SqliteLearnedIdentityStore } from './sqlite-learned-identity-store.js';
import { SqliteTrailStore } from './sqlite-trail-store.js';
import { TRAIL_SCHEMA } from './trail-schema.js';
import { LAKE_SCHEMA } from './lake-schema.js';
import { SqliteLakeStateStore } from './lake-state-store.js';

export interface SqliteStoreOptions {
  /** Directory holding `cairn.db`; created (0700) when missing. */
  dataDir: string;
  /** For `cairn import`: appends of ids that are nearly all new (see ChunkJournal). */
  bulkWriter?: boolean;
}

/**
 * Opens the embedded store. WAL: readers never wait for the writer; a write is on disk before it is
 * acknowledged (synchronous=FULL, or WalSync for appends); checkpoints run on their own thread.
 */
export function openSqliteStore(options: SqliteStoreOptions): CairnStore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, 'cairn.db');
  const db = new Database(file);
  chmodSync(file, 0o600);
  // 4 KB pages: a commit of a few recorded calls rewrites few bytes of WAL, and a compressed chunk
  // (about 14 KB) wastes half a page on average in its last overflow page.
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  // 256 MB of page cache: random event-id and index inserts stay in memory well past a million events.
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer Cairn (schema ${version})`);
  if (version !== 0 && version < SCHEMA_VERSION) {
    throw new Error(`${file} uses the journal layout of a pre-release Cairn (schema ${version}); move it aside and import its events again`);
  }
  db.exec(SCHEMA);
  db.exec(LEARNED_IDENTITIES_SCHEMA);
  db.exec(TRAIL_SCHEMA);
  db.exec(LAKE_SCHEMA);
  if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  const walSync = new WalSync(`${file}-wal`);
  const checkpointer = new Checkpointer(db, file);
  return {
    events: new SqliteEventStore(db, Buffer.from(SEED_DICTIONARY_BASE64, 'base64'), walSync, checkpointer, { bulkWriter: options.bulkWriter }),
    credentials: new SqliteCredentialStore(db),
    settings: new SqliteSettingsStore(db),
    learnedIdentities: new SqliteLearnedIdentityStore(db),
    trails: new SqliteTrailStore(db),
    lake: new SqliteLakeStateStore(db),
    close: async () => {
      await checkpointer.close();
      walSync.close();
      db.close();
    },
  };
}
