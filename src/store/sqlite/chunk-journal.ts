import type Database from 'better-sqlite3';
import type { OpenChunk } from './chunk-cache.js';
import { ChunkCache } from './chunk-cache.js';
import { ChunkCompression } from './chunk-compression.js';
import type { ChunkEvent } from './chunk-format.js';
import { DecodedChunk, encodeChunkMeta } from './chunk-format.js';
import type { ChunkRecipe } from './chunk-preparation.js';
import { DictionarySampler } from './dictionary-sampler.js';
import { eventIdHash } from './event-id.js';
import { EventIdIndex } from './event-id-index.js';
import type { Posting } from './postings.js';
import type { PostingsCache } from './postings-cache.js';
import { postingsOf, postingsOfEvents } from './postings.js';

/** Decoded chunks kept in memory. */
const CACHE_BYTES = 192 * 1024 * 1024;
const SEQ_FLOOR = 'seq-floor';
/** Rows of `chunk_rewrites` kept: a connection further behind than this empties its whole cache. */
const REWRITES_KEPT = 10_000;

/**
 * A chunk to write: its first seq, received time and events. `records`: its records part already
 * compressed (chunk-preparation.ts), with each record's byte length; else it is compressed here.
 */
export interface ChunkToWrite {
  firstSeq: number;
  received: number;
  events: readonly ChunkEvent[];
  records?: { compressed: Buffer; lengths: ArrayLike<number> };
}

export interface ChunkRow {
  id: number;
  last_seq: number;
  count: number;
  received: number;
  received_max: number;
}

/**
 * The journal's chunks and everything derived from them (postings, the eventID index), kept in step:
 * every write goes through `insert` and `remove`, inside the caller's transaction.
 */
export class ChunkJournal {
  private readonly compression: ChunkCompression;
  private readonly cache = new ChunkCache(CACHE_BYTES);
  private sampler: DictionarySampler | undefined;
  /** A dictionary added by the transaction in progress (undone if it rolls back). */
  private pendingDictionary: number | undefined;
  /** The last `chunk_rewrites` row this connection has followed (undefined: none yet). */
  private seenRewrite: number | undefined;
  /** The last recipe handed out, kept while the current dictionary stays the same. */
  private lastRecipe: ChunkRecipe | undefined;
  /** Chunks the transaction in progress removed (endWrite logs them). */
  private removedInWrite: number[] = [];
  private readonly statements;
  private readonly ids: EventIdIndex;

  /**
   * `postingsCache`: the lookups' cache of postings reads, kept true by every write here.
   * `bulkWriter`: a writer whose ids are nearly all new (`cairn import`) keeps a filter of the stored
   * ids' hashes, so most of its duplicate checks need no lookup.
   */
  constructor(
    private readonly db: Database.Database,
    seedDictionary: Buffer,
    private readonly postingsCache: PostingsCache,
    { bulkWriter = false }: { bulkWriter?: boolean } = {},
  ) {
    this.ids = new EventIdIndex(db, { bulkWriter });
    this.statements = {
      dictionaries: db.prepare<[], { id: number; data: Buffer }>('SELECT id, data FROM dictionaries ORDER BY id'),
      insertDictionary: db.prepare<[number, Buffer]>('INSERT OR IGNORE INTO dictionaries (id, data) VALUES (?, ?)'),
      insertChunk: db.prepare<[number, number, number, number, number]>('INSERT INTO chunks (id, last_seq, count, received, received_max) VALUES (?, ?, ?, ?, ?)'),
      insertData: db.prepare<[number, Buffer]>('INSERT INTO chunk_data (id, data) VALUES (?, ?)'),
      insertPosting: db.prepare<[number, number, number, number, number, number]>('INSERT INTO postings (part, attr, term, tmax, chunk, span) VALUES (?, ?, ?, ?, ?, ?)'),
      deleteChunk: db.prepare<[number]>('DELETE FROM chunks WHERE id = ?'),
      deleteData: db.prepare<[number]>('DELETE FROM chunk_data WHERE id = ?'),
      deletePosting: db.prepare<[number, number, number, number, number]>('DELETE FROM postings WHERE part = ? AND attr = ? AND term = ? AND tmax = ? AND chunk = ?'),
      row: db.prepare<[number], ChunkRow>('SELECT id, last_seq, count, received, received_max FROM chunks WHERE id = ?'),
      atOrBefore: db.prepare<[number], { id: number; last_seq: number }>('SELECT id, last_seq FROM chunks WHERE id <= ? ORDER BY id DESC LIMIT 1'),
      data: db.prepare<[number], Buffer>('SELECT data FROM chunk_data WHERE id = ?').pluck(),
      lastSeq: db.prepare<[], number | null>('SELECT last_seq FROM chunks ORDER BY id DESC LIMIT 1').pluck(),
      seqFloor: db.prepare<[], string>(`SELECT value FROM settings WHERE name = '${SEQ_FLOOR}'`).pluck(),
      saveSeqFloor: db.prepare<[string]>(`INSERT OR REPLACE INTO settings (name, value) VALUES ('${SEQ_FLOOR}', ?)`),
      dictionary: db.prepare<[number], Buffer>('SELECT data FROM dictionaries WHERE id = ?').pluck(),
      newestDictionary: db.prepare<[], { id: number; data: Buffer }>('SELECT id, data FROM dictionaries WHERE id > 1 ORDER BY id DESC LIMIT 1'),
      latestRewrite: db.prepare<[], number | null>('SELECT max(n) FROM chunk_rewrites').pluck(),
      rewritesAfter: db.prepare<[number], { n: number; chunk: number }>('SELECT n, chunk FROM chunk_rewrites WHERE n > ? ORDER BY n'),
      logRewrite: db.prepare<[number], number>('INSERT INTO chunk_rewrites (chunk) VALUES (?) RETURNING n').pluck(),
      trimRewrites: db.prepare<[number]>('DELETE FROM chunk_rewrites WHERE n <= ?'),
    };
    this.compression = new ChunkCompression((id) => this.statements.dictionary.get(id));
    if (this.statements.dictionary.get(1) === undefined) this.statements.insertDictionary.run(1, seedDictionary);
    let trained = false;
    for (const { id, data } of this.statements.dictionaries.all()) {
      this.compression.add(id, data);
      trained ||= id > 1;
    }
    this.sampler = trained ? undefined : new DictionarySampler();
  }

  /** The highest seq ever given out (0 for a new store); survives the purge of every chunk. */
  lastSeq(): number {
    return Math.max(this.statements.lastSeq.get() ?? 0, Number(this.statements.seqFloor.get() ?? 0));
  }

  /** Remembers the seq counter before chunks are deleted, so seqs are never given out twice. */
  keepSeqFloor(): void {
    this.statements.saveSeqFloor.run(String(this.lastSeq()));
  }

  /**
   * Writes one chunk whose first event gets seq `firstSeq`. Call inside a transaction.
   * `indexIds: false` when its events' id rows already point into it (compaction keeps seqs).
   */
  insert(firstSeq: number, received: number, events: readonly ChunkEvent[], options: { indexIds?: boolean } = {}): void {
    this.insertMany([{ firstSeq, received, events }], options);
  }

  /**
   * Writes several chunks. Their postings and id rows are inserted in key order: neighbouring keys
   * share B-tree pages, so a large append touches each page once instead of at random.
   */
  insertMany(chunks: readonly ChunkToWrite[], { indexIds = true }: { indexIds?: boolean } = {}): void {
    const postings: Posting[] = [];
    const chunkOf: number[] = [];
    const idRows: [number, number][] = [];
    for (const { firstSeq, received, events, records } of chunks) {
      let receivedMax = received;
      for (const e of events) receivedMax = Math.max(receivedMax, received + e.receivedDelta);
      const lastSeq = firstSeq + events[events.length - 1]!.seqDelta;
      this.statements.insertChunk.run(firstSeq, lastSeq, events.length, received, receivedMax);
      // Metadata and records compressed apart, as an import's reading thread prepares them: at level 1
      // the store comes out smaller than with one frame (stored ÷ gzip 1.38 against 1.43, benchmark data).
      const own = records ?? this.compression.compressRecords(events.map((e) => e.raw));
      this.statements.insertData.run(firstSeq, this.compression.compressBeside(encodeChunkMeta(events, own.lengths), own.compressed, sum(own.lengths)));
      for (const p of postingsOfEvents(events)) {
        postings.push(p);
        chunkOf.push(firstSeq);
      }
      if (indexIds) for (const e of events) idRows.push([eventIdHash(e.eventId), firstSeq]);
      this.cache.delete(firstSeq);
    }
    const order = postings.map((_, i) => i).sort((a, b) => comparePostings(postings[a]!, postings[b]!) || chunkOf[a]! - chunkOf[b]!);
    for (const i of order) {
      const p = postings[i]!;
      this.statements.insertPosting.run(p.part, p.attr, p.term, p.tmax, chunkOf[i]!, p.tmax - p.tmin);
      this.postingsCache.invalidate(p.part, p.attr, p.term);
    }
    if (idRows.length === 0) return;
    idRows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.ids.insert(idRows);
  }

  /**
   * Deletes a chunk with its postings and id rows. Call inside a transaction. `keepIds: true` when
   * its events move to a chunk that spans their seqs (compaction): their id rows stay true.
   */
  remove(id: number, known?: OpenChunk, { keepIds = false }: { keepIds?: boolean } = {}): void {
    const { decoded } = known ?? this.open(id);
    for (const p of postingsOf(decoded)) {
      this.statements.deletePosting.run(p.part, p.attr, p.term, p.tmax, id);
      this.postingsCache.invalidate(p.part, p.attr, p.term);
    }
    if (!keepIds) {
      const lastSeq = id + decoded.seqDelta[decoded.count - 1]!;
      for (const eventId of decoded.eventIds) this.ids.remove(eventIdHash(eventId), id, lastSeq);
    }
    this.statements.deleteChunk.run(id);
    this.statements.deleteData.run(id);
    this.cache.delete(id);
    this.removedInWrite.push(id);
  }

  row(id: number): ChunkRow | undefined {
    return this.statements.row.get(id);
  }

  /** A chunk, decoded, through the cache. */
  open(id: number): OpenChunk {
    return this.cache.get(id, () => this.load(id));
  }

  /** A chunk, decoded, bypassing the cache (sequential readers that would only flush it). */
  load(id: number): OpenChunk {
    const row = this.statements.row.get(id);
    const data = this.statements.data.get(id);
    if (!row || data === undefined) throw new Error(`journal chunk ${id} is missing`);
    return { decoded: new DecodedChunk(this.compression.decompress(data)), firstSeq: row.id, received: row.received, handedOut: [], positions: new Map() };
  }

  /** Whether `eventId` is stored (hash hits are confirmed against the chunk's own ids). Call in a write transaction. */
  has(eventId: string): boolean {
    const hash = eventIdHash(eventId);
    return this.ids.mayHold(hash) && this.find(eventId, hash) !== undefined;
  }

  /** The chunk and position holding `eventId`. */
  find(eventId: string, hash = eventIdHash(eventId)): { chunk: OpenChunk; index: number } | undefined {
    for (const seq of this.ids.seqsOf(hash)) {
      const id = this.chunkHolding(seq);
      if (id === undefined) continue;
      const chunk = this.open(id);
      const index = chunk.decoded.eventIds.indexOf(eventId);
      if (index >= 0) return { chunk, index };
    }
    return undefined;
  }

  /** The chunk with the highest id (first seq) at or below `seq`: the one holding it, if any does. */
  chunkAtOrBefore(seq: number): { id: number; last_seq: number } | undefined {
    return this.statements.atOrBefore.get(seq);
  }

  /** The id of the chunk whose seqs span `seq`. */
  private chunkHolding(seq: number): number | undefined {
    const row = this.chunkAtOrBefore(seq);
    return row && row.last_seq >= seq ? row.id : undefined;
  }

  /**
   * Call first in every write transaction. Another connection may have merged or purged chunks since
   * this one last looked (a server's upkeep beside `cairn import`, or the import's own final merge),
   * and a merged chunk keeps its id: a decoded copy kept from before would hide the events merged
   * into it (from a lookup; from a duplicate check, which would then let them in again). Such writes
   * log each chunk they removed or rewrote in `chunk_rewrites` (endWrite), and this drops the copies
   * of those. Appends, which only add chunks, log nothing. From here to the commit the write lock
   * keeps every other writer out.
   */
  beganWrite(): void {
    this.followRewrites();
    this.ids.beganWrite();
  }

  /**
   * Call first in every read transaction (its snapshot then holds for every statement of the read).
   * Only when another connection has committed since this one last looked (SQLite's data_version,
   * which also empties the cached postings) can a chunk have changed under the cache.
   */
  beganRead(): void {
    if (this.postingsCache.forgetOtherWriters()) this.followRewrites();
  }

  private followRewrites(): void {
    const latest = this.statements.latestRewrite.get() ?? 0;
    if (latest === this.seenRewrite) return;
    const rows = this.seenRewrite === undefined ? [] : this.statements.rewritesAfter.all(this.seenRewrite);
    // Further behind than the log reaches (or first look): start again empty.
    if (rows.length === 0 || rows[0]!.n !== this.seenRewrite! + 1) this.cache.clear();
    else for (const row of rows) this.cache.delete(row.chunk);
    this.seenRewrite = latest;
  }

  /** Call last in every write transaction, before its commit. */
  endWrite(): void {
    if (this.removedInWrite.length === 0) return;
    let last = 0;
    for (const id of new Set(this.removedInWrite)) last = this.statements.logRewrite.get(id)!;
    this.removedInWrite = [];
    if (last > REWRITES_KEPT) this.statements.trimRewrites.run(last - REWRITES_KEPT);
    // This connection's own rewrites: its caches already follow them (remove and insert keep them true).
    this.seenRewrite = last;
  }

  /** Call after the transaction that wrote chunks commits. */
  committed(): void {
    if (this.pendingDictionary !== undefined) this.sampler = undefined;
    this.pendingDictionary = undefined;
  }

  /** Call after it rolls back: forgets what it added, so nothing refers to rows that do not exist. */
  rolledBack(): void {
    this.removedInWrite = [];
    this.seenRewrite = undefined;
    this.ids.rolledBack();
    this.postingsCache.clear();
    if (this.pendingDictionary !== undefined) {
      this.compression.drop(this.pendingDictionary);
      this.sampler = new DictionarySampler();
    }
    this.pendingDictionary = undefined;
  }

  /** Whether a records part compressed elsewhere with dictionary `id` can go into a chunk here. */
  canWriteCompressedWith(id: number): boolean {
    return this.compression.has(id) && id !== this.pendingDictionary;
  }

  /** The dictionary new chunks use, for compressing records parts elsewhere; undefined while it may still roll back. */
  recipe(): ChunkRecipe | undefined {
    if (this.pendingDictionary !== undefined) return undefined;
    const id = this.compression.current;
    if (this.lastRecipe?.dictionaryId !== id) {
      const dictionary = this.statements.dictionary.get(id);
      this.lastRecipe = dictionary === undefined ? undefined : { kind: 'sqlite-chunks', dictionaryId: id, dictionary };
    }
    return this.lastRecipe;
  }

  /**
   * Offers newly received events for the store's own dictionary, built from its first records, once. Another process writing to the
   * same store (an import beside the server) may have built one first: then that one is used.
   */
  train(events: readonly ChunkEvent[]): void {
    if (!this.sampler || this.sampler.done) return;
    for (const e of events) {
      const dictionary = this.sampler.offer(e.raw);
      if (!dictionary) continue;
      const existing = this.statements.newestDictionary.get();
      if (existing) {
        this.compression.add(existing.id, existing.data);
      } else {
        this.statements.insertDictionary.run(2, dictionary);
        this.compression.add(2, dictionary);
        this.pendingDictionary = 2;
      }
    }
  }
}

function comparePostings(a: Posting, b: Posting): number {
  return a.part - b.part || a.attr - b.attr || a.term - b.term || a.tmax - b.tmax;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}
