import type Database from 'better-sqlite3';
import type { EventCategory, JournalEntry, StoredEvent } from '../../records/index.js';
import type { AppendResult, AttributeFilter, EventCursor, EventPage, EventQuery, EventStore } from '../types.js';
import type { CompressedChunk } from './chunk-codec.js';
import { ChunkCache, RECORDS_PER_CHUNK, compressChunkAsync, decompressChunk } from './chunk-codec.js';
import { ChunkCompactor } from './chunk-compactor.js';
import { decodeEventId, encodeEventId } from './event-id.js';
import { StringTable } from './string-table.js';

interface EventRow {
  seq: number;
  event_id: Buffer | string;
  time: number;
  received: number;
  part: number;
  name: number;
  source: number;
  user: number | null;
  akid: number | null;
  ro: number | null;
  chunk: number;
  off: number;
  len: number;
}

const EVENT_COLUMNS = 'e.seq, e.event_id, e.time, e.received, e.part, e.name, e.source, e.user, e.akid, e.ro, e.chunk, e.off, e.len';
/** Stands for the page size inside a subquery, filled in when the statement runs. */
const LIMIT_PLACEHOLDER = Symbol('limit');
/** Rows read per round when a free-text filter rejects most candidates. */
const TEXT_SCAN_ROUND = 500;
/** Candidates a free-text search examines per page before handing back a cursor. */
const TEXT_SCAN_LIMIT = 20_000;

/** Column (on `events e`) that each single-valued attribute is stored in. */
const EVENT_COLUMN: Partial<Record<AttributeFilter['key'], string>> = {
  EventName: 'e.name',
  EventSource: 'e.source',
  Username: 'e.user',
  AccessKeyId: 'e.akid',
};

export class SqliteEventStore implements EventStore {
  private readonly strings: StringTable;
  private readonly chunks = new ChunkCache(4096);
  private lastReceived = 0;
  private readonly compactor: ChunkCompactor;
  private readonly statements;
  /** Query statements by SQL text: a handful of shapes, prepared once each. */
  private readonly prepared = new Map<string, Database.Statement<unknown[], EventRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly dictionary: Buffer,
  ) {
    this.strings = new StringTable(db);
    this.compactor = new ChunkCompactor(db, { read: (id) => this.readChunk(id), forget: (id) => this.chunks.delete(id) }, dictionary);
    this.statements = {
      exists: db.prepare<[Buffer | string], number>('SELECT 1 FROM events WHERE event_id = ?').pluck(),
      insertChunk: db.prepare<[Buffer]>('INSERT INTO chunks (data) VALUES (?)'),
      insertEvent: db.prepare(
        'INSERT OR IGNORE INTO events (event_id, part, time, received, name, source, user, akid, ro, chunk, off, len) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
      ),
      insertResource: db.prepare('INSERT OR IGNORE INTO resources (seq, rtype, rname, part, time) VALUES (?,?,?,?,?)'),
      chunk: db.prepare<[number], Buffer>('SELECT data FROM chunks WHERE id = ?').pluck(),
      lastReceived: db.prepare<[], number | null>('SELECT received FROM events ORDER BY seq DESC LIMIT 1').pluck(),
      oldest: db.prepare<[number], { seq: number; received: number; chunk: number }>('SELECT seq, received, chunk FROM events ORDER BY seq LIMIT ?'),
      deleteEvents: db.prepare<[number]>('DELETE FROM events WHERE seq <= ?'),
      deleteResources: db.prepare<[number]>('DELETE FROM resources WHERE seq <= ?'),
      firstChunk: db.prepare<[], number | null>('SELECT chunk FROM events ORDER BY seq LIMIT 1').pluck(),
      deleteChunk: db.prepare<[number]>('DELETE FROM chunks WHERE id = ?'),
      after: db.prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`),
      lastSeq: db.prepare<[], number | null>('SELECT max(seq) FROM events').pluck(),
      count: db.prepare<[], number>('SELECT count(*) FROM events').pluck(),
      pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
      pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
    };
  }

  /**
   * Compression runs on libuv's thread pool, so neither the server's event loop nor an import's
   * parsing waits for it; only the short transaction runs on the caller's thread. Appends may
   * overlap: the pre-check skips ids already stored (cheap re-imports), and INSERT OR IGNORE
   * settles ids that two overlapping appends both carry.
   */
  async append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    const fresh: { entry: JournalEntry; id: Buffer | string }[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.eventId)) continue;
      seen.add(entry.eventId);
      const id = encodeEventId(entry.eventId);
      if (this.statements.exists.get(id) === undefined) fresh.push({ entry, id });
    }
    if (fresh.length === 0) return { inserted: 0, duplicates: entries.length };
    const groups: (typeof fresh)[] = [];
    for (let i = 0; i < fresh.length; i += RECORDS_PER_CHUNK) groups.push(fresh.slice(i, i + RECORDS_PER_CHUNK));
    const chunks = await Promise.all(groups.map((group) => compressChunkAsync(group.map((f) => f.entry.raw), this.dictionary)));
    const inserted = this.insertSync(groups, chunks);
    return { inserted, duplicates: entries.length - inserted };
  }

  private insertSync(groups: { entry: JournalEntry; id: Buffer | string }[][], chunks: CompressedChunk[]): number {
    const received = this.nextReceivedTime();
    try {
      return this.db.transaction(() => {
        let inserted = 0;
        chunks.forEach(({ data, offsets }, c) => {
          const chunk = Number(this.statements.insertChunk.run(data).lastInsertRowid);
          offsets.forEach((at, i) => {
            const { entry, id } = groups[c]![i]!;
            if (this.insertEntry(entry, id, chunk, at, received)) inserted += 1;
          });
        });
        return inserted;
      })();
    } catch (error) {
      this.strings.forget();
      throw error;
    }
  }

  /** False when the event id is already stored (an overlapping append stored it first). */
  private insertEntry(entry: JournalEntry, id: Buffer | string, chunk: number, at: { off: number; len: number }, received: number): boolean {
    const s = this.strings;
    const part = s.intern(partKey(entry.accountId, entry.region, entry.category));
    const result = this.statements.insertEvent.run(
        id,
        part,
        entry.eventTime,
        received,
        s.intern(entry.eventName),
        s.intern(entry.eventSource),
        entry.username === undefined ? null : s.intern(entry.username),
        entry.accessKeyId === undefined ? null : s.intern(entry.accessKeyId),
        entry.readOnly === undefined ? null : entry.readOnly ? 1 : 0,
        chunk,
        at.off,
        at.len,
    );
    if (result.changes === 0) return false;
    const seq = Number(result.lastInsertRowid);
    for (const resource of entry.resources) {
      this.statements.insertResource.run(seq, s.intern(resource.type ?? ''), s.intern(resource.name), part, entry.eventTime);
    }
    return true;
  }

  private nextReceivedTime(): number {
    if (this.lastReceived === 0) this.lastReceived = this.statements.lastReceived.get() ?? 0;
    this.lastReceived = Math.max(this.lastReceived, Date.now());
    return this.lastReceived;
  }

  query(query: EventQuery): Promise<EventPage> {
    return Promise.resolve(this.querySync(query));
  }

  private querySync(query: EventQuery): EventPage {
    const parts = query.categories
      .map((category) => this.strings.find(partKey(query.accountId, query.region, category)))
      .filter((id): id is number => id !== undefined);
    if (parts.length === 0) return { events: [] };
    const plan = this.plan(query, parts);
    if (plan === undefined) return { events: [] };
    if (query.text === undefined) {
      const rows = this.run(plan, query.limit + 1);
      const page = this.toStoredEvents(rows.slice(0, query.limit));
      const last = page.at(-1);
      return rows.length > query.limit && last ? { events: page, next: cursorOf(last) } : { events: page };
    }
    return this.scanText(query, parts);
  }

  readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return Promise.resolve(this.toStoredEvents(this.statements.after.all(afterSeq, limit)));
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(this.statements.lastSeq.get() ?? 0);
  }

  /** Free text: read candidates in order and keep those whose record contains the text. */
  private scanText(query: EventQuery, parts: number[]): EventPage {
    const needle = (query.text ?? '').toLowerCase();
    const events: StoredEvent[] = [];
    let after = query.after;
    let scanned = 0;
    for (;;) {
      const plan = this.plan({ ...query, after, text: undefined }, parts);
      if (plan === undefined) return { events };
      const rows = this.run(plan, TEXT_SCAN_ROUND);
      for (const event of this.toStoredEvents(rows)) {
        scanned += 1;
        after = cursorOf(event);
        if (event.raw.toLowerCase().includes(needle)) {
          events.push(event);
          if (events.length === query.limit) return { events, next: after };
        }
      }
      if (rows.length < TEXT_SCAN_ROUND) return { events };
      if (scanned >= TEXT_SCAN_LIMIT) return { events, next: after };
    }
  }

  /** Builds the SELECT for a query (without its LIMIT value), driven by the most selective index. */
  private plan(query: EventQuery, parts: number[]): { sql: string; params: unknown[] } | undefined {
    const where: string[] = [`e.part IN (${parts.map(() => '?').join(',')})`];
    const params: unknown[] = [...parts];
    const fromParams: unknown[] = [];
    let from = 'events e';
    let order = 'e.time DESC, e.seq DESC';
    for (const filter of query.attributes) {
      const column = EVENT_COLUMN[filter.key];
      if (column) {
        const id = this.strings.find(filter.value);
        if (id === undefined) return undefined;
        where.push(`${column} = ?`);
        params.push(id);
      } else if (filter.key === 'EventId') {
        where.push('e.event_id = ?');
        params.push(encodeEventId(filter.value));
      } else if (filter.key === 'ReadOnly') {
        if (filter.value !== 'true' && filter.value !== 'false') return undefined;
        where.push('e.ro = ?');
        params.push(filter.value === 'true' ? 1 : 0);
      } else {
        const id = this.strings.find(filter.value);
        if (id === undefined) return undefined;
        const column = filter.key === 'ResourceName' ? 'rname' : 'rtype';
        if (query.attributes.length === 1) {
          // Alone, a resource filter drives from its own index; GROUP BY folds an event listed under two types.
          from = `(SELECT r.time AS time, r.seq AS seq FROM resources r WHERE r.part IN (${parts.map(() => '?').join(',')}) AND r.${column} = ?${timeBounds('r', query, fromParams, [...parts, id])} GROUP BY r.time, r.seq ORDER BY r.time DESC, r.seq DESC LIMIT ?) d JOIN events e ON e.seq = d.seq`;
          order = 'd.time DESC, d.seq DESC';
          fromParams.push(LIMIT_PLACEHOLDER);
        } else {
          where.push(`EXISTS (SELECT 1 FROM resources r WHERE r.seq = e.seq AND r.${column} = ?)`);
          params.push(id);
        }
      }
    }
    if (query.startTime !== undefined) {
      where.push('e.time >= ?');
      params.push(query.startTime);
    }
    if (query.endTime !== undefined) {
      where.push('e.time <= ?');
      params.push(query.endTime);
    }
    if (query.after) {
      where.push('(e.time, e.seq) < (?, ?)');
      params.push(query.after.eventTime, query.after.seq);
    }
    return { sql: `SELECT ${EVENT_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, params: [...fromParams, ...params] };
  }

  private run(plan: { sql: string; params: unknown[] }, limit: number): EventRow[] {
    const params = plan.params.map((p) => (p === LIMIT_PLACEHOLDER ? limit : p));
    let statement = this.prepared.get(plan.sql);
    if (!statement) {
      if (this.prepared.size > 256) this.prepared.clear();
      statement = this.db.prepare<unknown[], EventRow>(plan.sql);
      this.prepared.set(plan.sql, statement);
    }
    return statement.all(...params, limit);
  }

  /** A chunk's decompressed bytes, through the LRU. */
  private readChunk(id: number): Buffer {
    return this.chunks.get(id, () => {
      const data = this.statements.chunk.get(id);
      if (data === undefined) throw new Error(`journal chunk ${id} is missing`);
      return decompressChunk(data, this.dictionary);
    });
  }

  /** Rows to events, with the resources of the whole page read in one statement. */
  private toStoredEvents(rows: EventRow[]): StoredEvent[] {
    const resources = this.resourcesOf(rows.map((r) => r.seq));
    return rows.map((row) => this.toStoredEvent(row, resources.get(row.seq) ?? []));
  }

  private toStoredEvent(row: EventRow, resources: { type?: string; name: string }[]): StoredEvent {
    const s = this.strings;
    const chunk = this.readChunk(row.chunk);
    const raw = chunk.toString('utf8', row.off, row.off + row.len);
    const [, accountId, region, category] = s.value(row.part).split('\u0000') as [string, string, string, EventCategory];
    return {
      seq: row.seq,
      receivedAt: row.received,
      eventId: decodeEventId(row.event_id),
      accountId,
      region,
      category,
      eventTime: row.time,
      eventName: s.value(row.name),
      eventSource: s.value(row.source),
      readOnly: row.ro === null ? undefined : row.ro === 1,
      username: row.user === null ? undefined : s.value(row.user),
      accessKeyId: row.akid === null ? undefined : s.value(row.akid),
      resources,
      raw,
    };
  }

  private resourcesOf(seqs: number[]): Map<number, { type?: string; name: string }[]> {
    const bySeq = new Map<number, { type: string; name: string }[]>();
    if (seqs.length === 0) return bySeq;
    const rows = this.db
      .prepare<number[], { seq: number; rtype: number; rname: number }>(`SELECT seq, rtype, rname FROM resources WHERE seq IN (${seqs.map(() => '?').join(',')})`)
      .all(...seqs);
    for (const r of rows) {
      const list = bySeq.get(r.seq) ?? [];
      list.push({ type: this.strings.value(r.rtype), name: this.strings.value(r.rname) });
      bySeq.set(r.seq, list);
    }
    const out = new Map<number, { type?: string; name: string }[]>();
    for (const [seq, list] of bySeq) {
      list.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
      out.set(seq, list.map(({ type, name }) => (type === '' ? { name } : { type, name })));
    }
    return out;
  }

  purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number> {
    const rows = this.statements.oldest.all(maxEvents);
    const chunks = new Set<number>();
    let last: number | undefined;
    for (const row of rows) {
      if (row.received >= cutoff) break;
      last = row.seq;
      chunks.add(row.chunk);
    }
    if (last === undefined) return Promise.resolve(0);
    const upTo = last;
    const purged = this.db.transaction(() => {
      const deleted = this.statements.deleteEvents.run(upTo).changes;
      this.statements.deleteResources.run(upTo);
      // A chunk holds a contiguous run of seqs, so only the first remaining event's chunk can still be in use.
      const stillUsed = this.statements.firstChunk.get();
      for (const chunk of chunks) {
        if (chunk === stillUsed) continue;
        this.statements.deleteChunk.run(chunk);
        this.chunks.delete(chunk);
      }
      return deleted;
    })();
    return Promise.resolve(purged);
  }

  compact(): Promise<number> {
    return Promise.resolve(this.compactor.compact());
  }

  count(): Promise<number> {
    return Promise.resolve(this.statements.count.get() ?? 0);
  }

  storedBytes(): Promise<number> {
    return Promise.resolve((this.statements.pageCount.get() ?? 0) * (this.statements.pageSize.get() ?? 0));
  }
}

function partKey(accountId: string, region: string, category: EventCategory): string {
  return `p\u0000${accountId}\u0000${region}\u0000${category}`;
}

function cursorOf(event: StoredEvent): EventCursor {
  return { eventTime: event.eventTime, seq: event.seq };
}

/** Time and cursor bounds for the resource-driven subquery, so its ORDER BY ... LIMIT stays on the index. */
function timeBounds(alias: string, query: EventQuery, params: unknown[], leading: unknown[]): string {
  params.push(...leading);
  let sql = '';
  if (query.startTime !== undefined) {
    sql += ` AND ${alias}.time >= ?`;
    params.push(query.startTime);
  }
  if (query.endTime !== undefined) {
    sql += ` AND ${alias}.time <= ?`;
    params.push(query.endTime);
  }
  if (query.after) {
    sql += ` AND (${alias}.time, ${alias}.seq) < (?, ?)`;
    params.push(query.after.eventTime, query.after.seq);
  }
  return sql;
}
