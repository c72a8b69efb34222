import pg from 'pg';
import type { CairnStore } from '../types.js';
import { migrate } from './migrate.js';
import { PostgresCredentialStore, PostgresSettingsStore } from './pg-credential-store.js';
import { PostgresEventStore } from './pg-event-store.js';
import { PostgresLakeStateStore } from './pg-lake-state-store.js';
import { PostgresLearnedIdentityStore } from './pg-learned-identity-store.js';
import { PostgresTrailStore } from './pg-trail-store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style query parameters such as sslmode work). */
  url: string;
  /** Pool size per node (default 10). */
  maxConnections?: number;
  /** Shown in pg_stat_activity, so operators can tell nodes apart. */
  applicationName?: string;
  /** The clock of received times (tests); Date.now by default. */
  now?: () => number;
}

/** The whole store on PostgreSQL, plus what only this backend has (partition upkeep). */
export interface PostgresCairnStore extends CairnStore {
  events: PostgresEventStore;
  pool: pg.Pool;
}

const INT8 = 20;
const defaultParser = pg.types.getTypeParser.bind(pg.types) as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;
/** bigint columns come back as numbers: every one Cairn keeps (seqs, epoch ms, counts) is below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 && format !== 'binary' ? Number : defaultParser(oid, format))) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connects a pool, applies pending migrations (one node at a time) and makes the day partitions ahead. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresCairnStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'cairn',
    types,
  });
  // An idle client's error (the server restarting) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    const events = new PostgresEventStore(pool, options.now);
    await events.preparePartitions();
    return {
      pool,
      events,
      credentials: new PostgresCredentialStore(pool),
      settings: new PostgresSettingsStore(pool),
      learnedIdentities: new PostgresLearnedIdentityStore(pool),
      trails: new PostgresTrailStore(pool),
      lake: new PostgresLakeStateStore(pool),
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
