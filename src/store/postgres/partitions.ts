import type pg from 'pg';
import { LOCK_NAMESPACE, PARTITION_LOCK } from './migrate.js';

export const DAY_MS = 86_400_000;
/** Partitions made ahead of the clock, so appends never wait for DDL (and a day boundary never lands in the default one). */
export const DAYS_AHEAD = 2;

/** The partition day (days since the epoch, UTC) of a received time. */
export function dayOf(received: number): number {
  return Math.floor(received / DAY_MS);
}

/** `events_p20250301`: the day in the name, so operators can read it. */
export function partitionName(day: number): string {
  return `events_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export function dayOfPartition(name: string): number | undefined {
  const match = /^events_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? dayOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
}

/** The day partitions that exist, oldest first. */
export async function listPartitionDays(db: pg.Pool | pg.PoolClient): Promise<number[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass",
  );
  return rows
    .map((r) => dayOfPartition(r.name))
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
}

/**
 * Creates the partitions of `fromDay`..`fromDay + DAYS_AHEAD` that are missing. Nodes may race:
 * an advisory transaction lock serialises them. A day whose events already landed in the default
 * partition (a clock far ahead) keeps them there: retention deletes those row by row.
 */
export async function ensurePartitions(pool: pg.Pool, fromDay: number): Promise<void> {
  const client = await pool.connect();
  try {
    const existing = new Set(await listPartitionDays(client));
    for (let day = fromDay; day <= fromDay + DAYS_AHEAD; day++) {
      if (existing.has(day)) continue;
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, PARTITION_LOCK]);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF events FOR VALUES FROM (${day * DAY_MS}) TO (${(day + 1) * DAY_MS})`,
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        // 23514: the default partition holds rows of that day; leave them there.
        if ((error as { code?: string }).code !== '23514') throw error;
      }
    }
  } finally {
    client.release();
  }
}
