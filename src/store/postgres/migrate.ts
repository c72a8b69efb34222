import type pg from 'pg';
import { MIGRATIONS } from './schema.js';

/** Advisory lock keys of the store: (namespace, key) pairs, so they never meet an application's own. */
export const LOCK_NAMESPACE = 0x43616972; // "Cair"
export const MIGRATION_LOCK = 1;
export const PARTITION_LOCK = 2;

/**
 * Applies the migrations this Cairn knows and the database lacks, each in its own transaction.
 * Several nodes may start at once: a session advisory lock lets one migrate while the others wait,
 * then find nothing left to do. A database migrated by a newer Cairn is refused.
 */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS cairn_migrations (version int PRIMARY KEY, applied_at bigint NOT NULL)');
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM cairn_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > MIGRATIONS.length) throw new Error(`the database was migrated by a newer Cairn (schema ${current}; this one knows ${MIGRATIONS.length})`);
      for (let version = current + 1; version <= MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[version - 1]!);
          await client.query('INSERT INTO cairn_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return MIGRATIONS.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
