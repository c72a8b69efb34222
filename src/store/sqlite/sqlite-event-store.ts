import type Database from 'better-sqlite3';
import type { EventCategory, JournalEntry, LookupResource, StoredEvent } from '../../records/index.js';
import type { AppendResult, AttributeFilter, EventPage, EventQuery, EventStore } from '../types.js';
import type { OpenChunk } from './chunk-cache.js';
import { ChunkCompactor } from './chunk-compactor.js';
import type { ChunkEvent, DecodedChunk } from './chunk-format.js';
import type { ChunkRow } from './chunk-journal.js';
import { ChunkJournal, EVENTS_PER_CHUNK, MAX_CHUNK_SPAN_MS } from './chunk-journal.js';
import type { Candidate, CandidateSource, Hit } from './chunk-walk.js';
import { mergeSources, walkChunks } from './chunk-walk.js';
import type { AttrCode } from './postings.js';
import { ATTR, ATTR_OF, SECOND_MS, ceilSecond, floorSecond, matches } from './postings.js';
import { StringTable } from './string-table.js';
import type { WalSync } from './wal-sync.js';

/** Chunks a free-text search opens per page before handing back a cursor. */
const TEXT_SCAN_CHUNKS = 400;
/** Postings rows read per round; doubled each round of one lookup. */
const FIRST_POSTINGS_PAGE = 16;
const MAX_POSTINGS_PAGE = 2048;
/** Which attribute drives a lookup that has several: the one likely to match fewest events. */
const SELECTIVITY: readonly AttributeFilter['key'][] = ['EventId', 'ResourceName', 'AccessKeyId', 'Username', 'EventName', 'ResourceType', 'EventSource', 'ReadOnly'];

interface Condition {
  attr: AttrCode;
  term: number;
}

/**
 * The journal and event history on SQLite: chunks of consecutive events (ChunkJournal), found
 * through chunk-level postings and walked newest first (walkChunks). See docs/ARCHITECTURE.md.
 */
export class SqliteEventStore implements EventStore {
  private readonly strings: StringTable;
  private readonly journal: ChunkJournal;
  private readonly compactor: ChunkCompactor;
  private lastReceived = 0;
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    seedDictionary: Buffer,
    private readonly walSync: WalSync,
  ) {
    this.strings = new StringTable(db);
    this.journal = new ChunkJournal(db, seedDictionary);
    this.compactor = new ChunkCompactor(db, this.journal, EVENTS_PER_CHUNK, MAX_CHUNK_SPAN_MS);
    this.statements = {
      // The row value keeps (tmax, chunk) an index range: spelled with OR, SQLite scanned from the key's newest row.
      postings: db.prepare<[number, number, number, number, number, number, number], Candidate>(
        'SELECT chunk, tmax - span AS tmin, tmax FROM postings WHERE part = ? AND attr = ? AND term = ? AND tmax >= ? AND (tmax, chunk) < (?, ?) ORDER BY tmax DESC, chunk DESC LIMIT ?',
      ),
      lastReceived: db.prepare<[], number | null>('SELECT received_max FROM chunks ORDER BY id DESC LIMIT 1').pluck(),
      chunkAtOrBefore: db.prepare<[number], number | null>('SELECT id FROM chunks WHERE id <= ? ORDER BY id DESC LIMIT 1').pluck(),
      chunksFrom: db.prepare<[number, number], number>('SELECT id FROM chunks WHERE id >= ? ORDER BY id LIMIT ?').pluck(),
      oldestChunks: db.prepare<[number], ChunkRow>('SELECT id, last_seq, count, received, received_max FROM chunks ORDER BY id LIMIT ?'),
      count: db.prepare<[], number | null>('SELECT sum(count) FROM chunks').pluck(),
      pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
      pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
    };
  }

  /** One transaction: skip stored eventIDs, intern terms, write chunks; resolves once it is on disk. */
  async append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    const result = this.write(() => this.appendSync(entries));
    if (result.inserted > 0) await this.walSync.sync();
    return result;
  }

  private appendSync(entries: readonly JournalEntry[]): AppendResult {
    const seen = new Set<string>();
    const fresh: JournalEntry[] = [];
    for (const entry of entries) {
      if (seen.has(entry.eventId)) continue;
      seen.add(entry.eventId);
      if (!this.journal.has(entry.eventId)) fresh.push(entry);
    }
    if (fresh.length === 0) return { inserted: 0, duplicates: entries.length };
    const received = this.nextReceivedTime();
    let seq = this.journal.lastSeq() + 1;
    const chunks = chunkGroups(fresh).map((group) => {
      const events = group.map((entry, i) => this.toChunkEvent(entry, i));
      this.journal.train(events);
      const chunk = { firstSeq: seq, received, events };
      seq += events.length;
      return chunk;
    });
    this.journal.insertMany(chunks);
    return { inserted: fresh.length, duplicates: entries.length - fresh.length };
  }

  /**
   * Runs `work` in an immediate transaction, keeping the in-memory caches true if it rolls back.
   * The commit does not fsync (synchronous=NORMAL just for it): callers that acknowledge wait for
   * WalSync, off the event loop. Every other write on the connection keeps synchronous=FULL.
   */
  private write<T>(work: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      const result = this.db.transaction(work).immediate();
      this.journal.committed();
      return result;
    } catch (error) {
      this.strings.forget();
      this.journal.rolledBack();
      throw error;
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  private toChunkEvent(entry: JournalEntry, seqDelta: number): ChunkEvent {
    const s = this.strings;
    const resources: number[] = [];
    for (const r of entry.resources) resources.push(r.type === undefined ? 0 : s.intern(r.type), s.intern(r.name));
    return {
      seqDelta,
      receivedDelta: 0,
      eventId: entry.eventId,
      time: entry.eventTime,
      part: s.intern(partKey(entry.accountId, entry.region, entry.category)),
      name: s.intern(entry.eventName),
      source: s.intern(entry.eventSource),
      user: entry.username === undefined ? 0 : s.intern(entry.username),
      akid: entry.accessKeyId === undefined ? 0 : s.intern(entry.accessKeyId),
      readOnly: entry.readOnly === undefined ? 2 : entry.readOnly ? 1 : 0,
      resources,
      raw: entry.raw,
    };
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
    const parts = new Set<number>();
    for (const category of query.categories) {
      const id = this.strings.find(partKey(query.accountId, query.region, category));
      if (id !== undefined) parts.add(id);
    }
    if (parts.size === 0) return { events: [] };
    const filters = [...query.attributes].sort((a, b) => SELECTIVITY.indexOf(a.key) - SELECTIVITY.indexOf(b.key));
    const eventId = filters.find((f) => f.key === 'EventId');
    const conditions: Condition[] = [];
    for (const filter of filters) {
      if (filter.key === 'EventId') continue;
      const condition = this.condition(filter);
      if (!condition) return { events: [] };
      conditions.push(condition);
    }
    const ids = filters.filter((f) => f.key === 'EventId').map((f) => f.value);
    if (new Set(ids).size > 1) return { events: [] };
    const needle = query.text?.toLowerCase();
    const accept = (chunk: DecodedChunk, i: number, seq: number): boolean => {
      const time = chunk.time[i]!;
      if (!parts.has(chunk.part[i]!)) return false;
      if (query.startTime !== undefined && time < query.startTime) return false;
      if (query.endTime !== undefined && time > query.endTime) return false;
      if (query.after && (time > query.after.eventTime || (time === query.after.eventTime && seq >= query.after.seq))) return false;
      for (const c of conditions) if (!matches(chunk, i, c.attr, c.term)) return false;
      if (eventId && chunk.eventIds[i] !== eventId.value) return false;
      return needle === undefined || chunk.raw(i).toLowerCase().includes(needle);
    };
    const drive = eventId ? undefined : (conditions[0] ?? { attr: ATTR.All, term: 0 });
    const upper = Math.min(query.endTime ?? Infinity, query.after?.eventTime ?? Infinity);
    const next = drive
      ? mergeSources([...parts].map((part) => this.postingsSource(part, drive, query.startTime, upper)))
      : this.eventIdSource(eventId!.value);
    const opened = new Map<number, OpenChunk>();
    const result = walkChunks({
      next,
      open: (id) => {
        const chunk = this.journal.open(id);
        opened.set(id, chunk);
        return chunk;
      },
      accept,
      limit: query.limit,
      upper: upper === Infinity ? undefined : upper,
      maxChunks: needle === undefined ? undefined : TEXT_SCAN_CHUNKS,
    });
    const received = new Map<DecodedChunk, number>();
    for (const chunk of opened.values()) received.set(chunk.decoded, chunk.received);
    const page = result.hits.slice(0, query.limit).map((hit) => this.toStoredEvent(hit, received.get(hit.chunk) ?? 0));
    if (result.hits.length > query.limit) {
      const last = page[page.length - 1]!;
      return { events: page, next: { eventTime: last.eventTime, seq: last.seq } };
    }
    if (result.boundary !== undefined) return { events: page, next: { eventTime: result.boundary, seq: Number.MAX_SAFE_INTEGER } };
    return { events: page };
  }

  private condition(filter: AttributeFilter): Condition | undefined {
    const attr = ATTR_OF[filter.key as Exclude<AttributeFilter['key'], 'EventId'>];
    if (attr === ATTR.ReadOnly) {
      if (filter.value !== 'true' && filter.value !== 'false') return undefined;
      return { attr, term: filter.value === 'true' ? 1 : 0 };
    }
    const term = this.strings.find(filter.value);
    return term === undefined ? undefined : { attr, term };
  }

  /** A key's postings, newest first, read from SQLite a page at a time as the walk asks for more. */
  private postingsSource(part: number, condition: Condition, startTime: number | undefined, upper: number): CandidateSource {
    const lowest = startTime === undefined ? -Number.MAX_SAFE_INTEGER : floorSecond(startTime);
    let buffered: Candidate[] = [];
    let at = 0;
    let pageSize = FIRST_POSTINGS_PAGE;
    let exhausted = false;
    // A chunk holding an event at or below `upper` has its tmax within one chunk span above it.
    let tmax = upper === Infinity ? Number.MAX_SAFE_INTEGER : ceilSecond(upper) + Math.ceil(MAX_CHUNK_SPAN_MS / SECOND_MS) + 1;
    let chunk = Number.MAX_SAFE_INTEGER;
    return () => {
      if (at === buffered.length) {
        if (exhausted) return undefined;
        buffered = this.statements.postings.all(part, condition.attr, condition.term, lowest, tmax, chunk, pageSize);
        at = 0;
        exhausted = buffered.length < pageSize;
        pageSize = Math.min(pageSize * 2, MAX_POSTINGS_PAGE);
        const last = buffered[buffered.length - 1];
        if (!last) return undefined;
        tmax = last.tmax;
        chunk = last.chunk;
      }
      return buffered[at++];
    };
  }

  /** The single chunk that can hold an eventID (an EventId lookup). */
  private eventIdSource(eventId: string): CandidateSource {
    const found = this.journal.find(eventId);
    let given = false;
    return () => {
      if (given || !found) return undefined;
      given = true;
      const time = found.chunk.decoded.time[found.index]!;
      return { chunk: found.chunk.firstSeq, tmin: floorSecond(time), tmax: ceilSecond(time) };
    };
  }

  private toStoredEvent(hit: Hit, chunkReceived: number): StoredEvent {
    const { chunk, index: i } = hit;
    const s = this.strings;
    const [, accountId, region, category] = s.value(chunk.part[i]!).split('\u0000') as [string, string, string, EventCategory];
    const resources: LookupResource[] = [];
    for (let r = chunk.resourceStart[i]!; r < chunk.resourceStart[i + 1]!; r++) {
      const type = chunk.resourceTerms[2 * r]!;
      const name = s.value(chunk.resourceTerms[2 * r + 1]!);
      resources.push(type === 0 ? { name } : { type: s.value(type), name });
    }
    const user = chunk.user[i]!;
    const akid = chunk.akid[i]!;
    const readOnly = chunk.readOnly[i]!;
    return {
      seq: hit.seq,
      receivedAt: chunkReceived + chunk.receivedDelta[i]!,
      eventId: chunk.eventIds[i]!,
      accountId,
      region,
      category,
      eventTime: hit.time,
      eventName: s.value(chunk.name[i]!),
      eventSource: s.value(chunk.source[i]!),
      readOnly: readOnly === 2 ? undefined : readOnly === 1,
      username: user === 0 ? undefined : s.value(user),
      accessKeyId: akid === 0 ? undefined : s.value(akid),
      resources,
      raw: chunk.raw(i),
    };
  }

  readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let from = this.statements.chunkAtOrBefore.get(afterSeq) ?? 0;
    for (;;) {
      const ids = this.statements.chunksFrom.all(from, 64);
      for (const id of ids) {
        const chunk = this.journal.load(id);
        const { decoded } = chunk;
        for (let i = 0; i < decoded.count; i++) {
          const seq = chunk.firstSeq + decoded.seqDelta[i]!;
          if (seq <= afterSeq) continue;
          events.push(this.toStoredEvent({ chunk: decoded, index: i, time: decoded.time[i]!, seq }, chunk.received));
          if (events.length === limit) return Promise.resolve(events);
        }
      }
      if (ids.length < 64) return Promise.resolve(events);
      from = ids[ids.length - 1]! + 1;
    }
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(this.journal.lastSeq());
  }

  /**
   * Deletes the oldest events while they were received before `cutoff`, whole chunks at a time;
   * a chunk that is only partly due is rewritten without its due events.
   */
  purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number> {
    const rows = this.statements.oldestChunks.all(64);
    if (rows.length === 0 || rows[0]!.received >= cutoff) return Promise.resolve(0);
    return Promise.resolve(
      this.write(() => {
        this.journal.keepSeqFloor();
        let purged = 0;
        for (const row of rows) {
          if (purged >= maxEvents) break;
          if (row.received_max < cutoff && purged + row.count <= maxEvents) {
            this.journal.remove(row.id);
            purged += row.count;
            continue;
          }
          purged += this.purgeWithin(row, cutoff, maxEvents - purged);
          break;
        }
        return purged;
      }),
    );
  }

  /** Drops the leading events of one chunk that are due (at most `budget`), keeping the rest. */
  private purgeWithin(row: ChunkRow, cutoff: number, budget: number): number {
    const chunk = this.journal.load(row.id);
    const { decoded, received } = chunk;
    let due = 0;
    while (due < decoded.count && due < budget && received + decoded.receivedDelta[due]! < cutoff) due += 1;
    if (due === 0) return 0;
    const keep: ChunkEvent[] = [];
    for (let i = due; i < decoded.count; i++) keep.push(decoded.event(i));
    this.journal.remove(row.id, chunk);
    if (keep.length === 0) return due;
    const firstSeq = row.id + keep[0]!.seqDelta;
    const firstReceived = received + keep[0]!.receivedDelta;
    const baseSeq = keep[0]!.seqDelta;
    const baseReceived = keep[0]!.receivedDelta;
    this.journal.insert(
      firstSeq,
      firstReceived,
      keep.map((e) => ({ ...e, seqDelta: e.seqDelta - baseSeq, receivedDelta: e.receivedDelta - baseReceived })),
    );
    return due;
  }

  compact(): Promise<number> {
    return Promise.resolve(this.write(() => this.compactor.compactRound()));
  }

  count(): Promise<number> {
    return Promise.resolve(this.statements.count.get() ?? 0);
  }

  storedBytes(): Promise<number> {
    return Promise.resolve((this.statements.pageCount.get() ?? 0) * (this.statements.pageSize.get() ?? 0));
  }
}

/**
 * Splits one append into chunks. Events of one append are committed together, so their order among
 * themselves is free: sorted by partition and time, chunks stay narrow in time and few partitions
 * share one, which keeps postings few and lookups short. No chunk spans more than MAX_CHUNK_SPAN_MS.
 */
function chunkGroups(entries: readonly JournalEntry[]): JournalEntry[][] {
  const sorted = entries
    .map((entry) => ({ entry, part: partKey(entry.accountId, entry.region, entry.category) }))
    .sort((a, b) => (a.part < b.part ? -1 : a.part > b.part ? 1 : a.entry.eventTime - b.entry.eventTime));
  const groups: JournalEntry[][] = [];
  let group: JournalEntry[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const { entry } of sorted) {
    const t = entry.eventTime;
    if (group.length === EVENTS_PER_CHUNK || Math.max(hi, t) - Math.min(lo, t) > MAX_CHUNK_SPAN_MS) {
      groups.push(group);
      group = [];
      lo = Infinity;
      hi = -Infinity;
    }
    group.push(entry);
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function partKey(accountId: string, region: string, category: EventCategory): string {
  return `p\u0000${accountId}\u0000${region}\u0000${category}`;
}
