import type Database from 'better-sqlite3';
import type { JournalEntry, StoredEvent } from '../../records/index.js';
import { readOnlyCode } from '../../records/index.js';
import type { AppendOptions, AppendResult, EventPage, EventQuery, EventStore } from '../types.js';
import { ChunkCompactor } from './chunk-compactor.js';
import type { ChunkEvent } from './chunk-format.js';
import { chunkGroups, EVENTS_PER_CHUNK, MAX_CHUNK_SPAN_MS } from './chunk-groups.js';
import type { ChunkRow, ChunkToWrite } from './chunk-journal.js';
import { ChunkJournal } from './chunk-journal.js';
import type { ChunkRecipe, PreparedChunks } from './chunk-preparation.js';
import { EventLookup } from './event-lookup.js';
import { PostingsCache } from './postings-cache.js';
import { partKey, toStoredEvent } from './stored-event.js';
import { StringTable } from './string-table.js';
import type { Checkpointer } from './checkpointer.js';
import type { WalSync } from './wal-sync.js';

/**
 * The journal and event history on SQLite: chunks of consecutive events (ChunkJournal), found
 * through chunk-level postings and walked newest first (walkChunks). See docs/ARCHITECTURE.md.
 */
export class SqliteEventStore implements EventStore {
  private readonly strings: StringTable;
  private readonly journal: ChunkJournal;
  private readonly compactor: ChunkCompactor;
  private readonly lookup: EventLookup;
  private lastReceived = 0;
  private readonly statements;
  private readonly readTransaction: Database.Transaction<(work: () => unknown) => unknown>;
  private readonly writeTransaction: Database.Transaction<(work: () => unknown) => unknown>;

  constructor(
    private readonly db: Database.Database,
    seedDictionary: Buffer,
    private readonly walSync: WalSync,
    private readonly checkpointer: Checkpointer,
    options: { bulkWriter?: boolean } = {},
  ) {
    this.strings = new StringTable(db);
    const postingsCache = new PostingsCache(db);
    // One snapshot per read: another connection (an import's final merge) may merge and purge chunks, and
    // a lookup reads postings and chunks in separate statements.
    this.readTransaction = db.transaction((work: () => unknown) => {
      this.journal.beganRead();
      return work();
    });
    this.writeTransaction = db.transaction((work: () => unknown) => {
      this.journal.beganWrite();
      const done = work();
      this.journal.endWrite();
      return done;
    });
    this.journal = new ChunkJournal(db, seedDictionary, postingsCache, options);
    this.compactor = new ChunkCompactor(db, this.journal, EVENTS_PER_CHUNK, MAX_CHUNK_SPAN_MS);
    this.lookup = new EventLookup(db, this.strings, this.journal, postingsCache);
    this.statements = {
      lastReceived: db.prepare<[], number | null>('SELECT received_max FROM chunks ORDER BY id DESC LIMIT 1').pluck(),
      chunksFrom: db.prepare<[number, number], number>('SELECT id FROM chunks WHERE id >= ? ORDER BY id LIMIT ?').pluck(),
      oldestChunks: db.prepare<[number], ChunkRow>('SELECT id, last_seq, count, received, received_max FROM chunks ORDER BY id LIMIT ?'),
      count: db.prepare<[], number | null>('SELECT sum(count) FROM chunks').pluck(),
      pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
      pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
    };
  }

  /** One transaction: skip stored eventIDs, intern terms, write chunks; resolves once it is on disk. */
  async append(entries: readonly JournalEntry[], options: AppendOptions = {}): Promise<AppendResult> {
    const result = this.write(() => this.appendSync(entries, options.prepared));
    if (result.inserted > 0) {
      this.checkpointer.noteAppended(result.inserted);
      await this.walSync.sync();
    }
    return result;
  }

  /** The dictionary new chunks use, for a thread that prepares appends (chunk-preparation.ts). */
  appendRecipe(): ChunkRecipe | undefined {
    return this.journal.recipe();
  }

  private appendSync(entries: readonly JournalEntry[], prepared: PreparedChunks | undefined): AppendResult {
    const seen = new Set<string>();
    const fresh: JournalEntry[] = [];
    for (const entry of entries) {
      if (seen.has(entry.eventId)) continue;
      seen.add(entry.eventId);
      if (!this.journal.has(entry.eventId)) fresh.push(entry);
    }
    if (fresh.length === 0) return { inserted: 0, duplicates: entries.length };
    // Made for exactly these entries, all of them stored: its chunks are the ones chunkGroups would cut.
    const usable =
      prepared !== undefined && prepared.count === entries.length && fresh.length === entries.length && this.journal.canWriteCompressedWith(prepared.dictionaryId);
    const { order, ends } = usable ? prepared : chunkGroups(fresh);
    const received = this.nextReceivedTime();
    let seq = this.journal.lastSeq() + 1;
    const chunks: ChunkToWrite[] = [];
    let from = 0;
    ends.forEach((to, k) => {
      const events: ChunkEvent[] = [];
      for (let at = from; at < to; at++) events.push(this.toChunkEvent(fresh[order[at]!]!, at - from));
      this.journal.train(events);
      const chunk: ChunkToWrite = { firstSeq: seq, received, events };
      if (usable) {
        const records = prepared.records.subarray(k === 0 ? 0 : prepared.recordsEnds[k - 1], prepared.recordsEnds[k]);
        chunk.records = { compressed: Buffer.from(records.buffer, records.byteOffset, records.byteLength), lengths: prepared.lengths.subarray(from, to) };
      }
      chunks.push(chunk);
      seq += events.length;
      from = to;
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
    // db.pragma, not a prepared statement: SQLite applies this pragma when it compiles it, not when it runs.
    this.db.pragma('synchronous = NORMAL');
    try {
      const result = this.writeTransaction.immediate(work) as T;
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
      readOnly: readOnlyCode(entry.readOnly),
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
    return Promise.resolve(this.read(() => this.lookup.run(query)));
  }

  readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return Promise.resolve(this.read(() => this.readAfterSync(afterSeq, limit)));
  }

  /** Runs `work` in a read transaction whose caches are true to its snapshot (ChunkJournal.beganRead). */
  private read<T>(work: () => T): T {
    return this.readTransaction.deferred(work) as T;
  }

  private readAfterSync(afterSeq: number, limit: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    let from = this.journal.chunkAtOrBefore(afterSeq)?.id ?? 0;
    for (;;) {
      const ids = this.statements.chunksFrom.all(from, 64);
      for (const id of ids) {
        const chunk = this.journal.load(id);
        const { decoded } = chunk;
        for (let i = 0; i < decoded.count; i++) {
          const seq = chunk.firstSeq + decoded.seqDelta[i]!;
          if (seq <= afterSeq) continue;
          events.push(toStoredEvent(this.strings, chunk, i));
          if (events.length === limit) return events;
        }
      }
      if (ids.length < 64) return events;
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
