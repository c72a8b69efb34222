import type pg from 'pg';
import type { EventCategory, JournalEntry, LookupResource, StoredEvent } from '../../records/index.js';
import type { AppendResult, AttributeFilter, EventPage, EventQuery, EventStore } from '../types.js';
import { DAY_MS, DAYS_AHEAD, dayOf, ensurePartitions, listPartitionDays, partitionName } from './partitions.js';

interface EventRow {
  seq: number;
  received: number;
  event_id: string;
  account_id: string;
  region: string;
  category: string;
  event_time: number;
  event_name: string;
  event_source: string;
  username: string | null;
  access_key_id: string | null;
  read_only: boolean | null;
  resources: string;
  raw: string;
}

const COLUMNS = 'seq, received, event_id, account_id, region, category, event_time, event_name, event_source, username, access_key_id, read_only, resources, raw';

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    receivedAt: row.received,
    eventId: row.event_id,
    accountId: row.account_id,
    region: row.region,
    category: row.category as EventCategory,
    eventTime: row.event_time,
    eventName: row.event_name,
    eventSource: row.event_source,
    readOnly: row.read_only ?? undefined,
    username: row.username ?? undefined,
    accessKeyId: row.access_key_id ?? undefined,
    resources: JSON.parse(row.resources) as LookupResource[],
    raw: row.raw,
  };
}

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The journal and event history on PostgreSQL: one row per event in day partitions of the received
 * time. Appends are serialised by the row lock on `journal_head` (held to COMMIT), so seqs are given
 * out in commit order and a reader following seqs can never pass an event that commits later with a
 * lower seq. See docs/ARCHITECTURE.md ("The journal on PostgreSQL").
 */
export class PostgresEventStore implements EventStore {
  /** Days whose partition is known to exist (checked before an append, made ahead when missing). */
  private readonly readyDays = new Set<number>();

  constructor(
    private readonly pool: pg.Pool,
    /** The clock received times come from (tests move it). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes today's partition and the next ones; called at open and hourly by the maintenance job. */
  async preparePartitions(): Promise<void> {
    await ensurePartitions(this.pool, dayOf(this.now()));
    for (const day of await listPartitionDays(this.pool)) this.readyDays.add(day);
  }

  /** Resolves after COMMIT (synchronous_commit as the server says: on by default, which is durable). */
  async append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    if (entries.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = new Map<string, JournalEntry>();
    for (const entry of entries) if (!unique.has(entry.eventId)) unique.set(entry.eventId, entry);
    if (!this.readyDays.has(dayOf(this.now()))) await this.preparePartitions();
    const fresh = [...unique.values()];
    // One statement, its own transaction (cairn_append, migration 2): resolves after its COMMIT.
    const { rows } = await this.pool.query<{ inserted: number }>({
      name: 'cairn-append',
      text: 'SELECT inserted FROM cairn_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)',
      values: [
        fresh.map((e) => e.eventId),
        fresh.map((e) => e.accountId),
        fresh.map((e) => e.region),
        fresh.map((e) => e.category),
        fresh.map((e) => e.eventTime),
        fresh.map((e) => e.eventName),
        fresh.map((e) => e.eventSource),
        fresh.map((e) => e.username ?? null),
        fresh.map((e) => e.accessKeyId ?? null),
        fresh.map((e) => e.readOnly ?? null),
        fresh.map((e) => JSON.stringify(e.resources.map((r) => r.name))),
        fresh.map((e) => JSON.stringify([...new Set(e.resources.flatMap((r) => (r.type === undefined ? [] : [r.type])))])),
        fresh.map((e) => JSON.stringify(e.resources)),
        fresh.map((e) => e.raw),
        this.now(),
      ],
    });
    const inserted = rows[0]?.inserted ?? 0;
    return { inserted, duplicates: entries.length - inserted };
  }

  async query(q: EventQuery): Promise<EventPage> {
    const params: unknown[] = [q.accountId, q.region, q.categories];
    const where = ['account_id = $1', 'region = $2', 'category = ANY($3::text[])'];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    for (const filter of q.attributes) where.push(attributeCondition(filter, param));
    if (q.startTime !== undefined) where.push(`event_time >= ${param(q.startTime)}`);
    if (q.endTime !== undefined) where.push(`event_time <= ${param(q.endTime)}`);
    if (q.after) where.push(`(event_time, seq) < (${param(q.after.eventTime)}, ${param(q.after.seq)})`);
    if (q.text !== undefined) where.push(`strpos(lower(raw), ${param(q.text.toLowerCase())}) > 0`);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY event_time DESC, seq DESC LIMIT ${param(q.limit + 1)}`,
      params,
    );
    const events = rows.slice(0, q.limit).map(toStoredEvent);
    const last = events.at(-1);
    return rows.length > q.limit && last ? { events, next: { eventTime: last.eventTime, seq: last.seq } } : { events };
  }

  async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
    return rows.map(toStoredEvent);
  }

  async lastSeq(): Promise<number> {
    const { rows } = await this.pool.query<{ last_seq: number }>('SELECT last_seq FROM journal_head WHERE id = 1');
    return rows[0]?.last_seq ?? 0;
  }

  /**
   * Drops whole day partitions that are entirely before `cutoff` (one cheap DDL statement each,
   * however many events they hold, so this may return more than `maxEvents`), then deletes up to
   * the rest of `maxEvents` due events row by row, oldest seq first (the day the cutoff falls in).
   */
  async purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number> {
    let purged = 0;
    for (const day of await listPartitionDays(this.pool)) {
      if ((day + 1) * DAY_MS > cutoff) break;
      purged += await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ events: number }>('DELETE FROM event_days WHERE day = $1 RETURNING events', [day]);
        await client.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
        await client.query('DELETE FROM event_ids WHERE received >= $1 AND received < $2', [day * DAY_MS, (day + 1) * DAY_MS]);
        return rows[0]?.events ?? 0;
      });
      this.readyDays.delete(day);
      if (purged >= maxEvents) return purged;
    }
    const budget = maxEvents - purged;
    if (budget <= 0) return purged;
    return (
      purged +
      (await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ event_id: string; received: number }>(
          `DELETE FROM events e USING (SELECT seq, received FROM events WHERE received < $1 ORDER BY seq LIMIT $2) d
           WHERE e.seq = d.seq AND e.received = d.received RETURNING e.event_id, e.received`,
          [cutoff, budget],
        );
        if (rows.length === 0) return 0;
        await client.query('DELETE FROM event_ids WHERE event_id = ANY($1::text[])', [rows.map((r) => r.event_id)]);
        const perDay = new Map<number, number>();
        for (const r of rows) perDay.set(dayOf(r.received), (perDay.get(dayOf(r.received)) ?? 0) + 1);
        for (const [day, n] of perDay) await client.query('UPDATE event_days SET events = events - $2 WHERE day = $1', [day, n]);
        return rows.length;
      }))
    );
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number | null }>('SELECT sum(events)::bigint AS n FROM event_days');
    return rows[0]?.n ?? 0;
  }

  /**
   * Nothing to merge (one row per event; autovacuum keeps the tables). The upkeep this backend does
   * need runs here: the day partitions ahead of the clock are made when a day turns.
   */
  async compact(): Promise<number> {
    if (!this.readyDays.has(dayOf(this.now()) + DAYS_AHEAD)) await this.preparePartitions();
    return 0;
  }

  async storedBytes(): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: number | null }>(
      `SELECT (coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'events'::regclass), 0)
              + pg_total_relation_size('event_ids'))::bigint AS bytes`,
    );
    return rows[0]?.bytes ?? 0;
  }
}

/** One LookupEvents attribute as a condition the indexes serve. */
function attributeCondition(filter: AttributeFilter, param: (value: unknown) => string): string {
  const { key, value } = filter;
  switch (key) {
    case 'EventId': {
      // Through the id table: the received time prunes every partition but one.
      const p = param(value);
      return `received = (SELECT received FROM event_ids WHERE event_id = ${p}) AND seq = (SELECT seq FROM event_ids WHERE event_id = ${p})`;
    }
    case 'EventName':
      return `event_name = ${param(value)}`;
    case 'EventSource':
      return `event_source = ${param(value)}`;
    case 'Username':
      return `username = ${param(value)}`;
    case 'AccessKeyId':
      return `access_key_id = ${param(value)}`;
    case 'ReadOnly':
      return value === 'true' || value === 'false' ? `read_only = ${param(value === 'true')}` : 'false';
    case 'ResourceName':
      return `resource_names @> ARRAY[${param(value)}::text]`;
    case 'ResourceType':
      return `resource_types @> ARRAY[${param(value)}::text]`;
  }
}
