import type Database from 'better-sqlite3';
import type { Candidate } from './chunk-walk.js';

/** Cached reads at most: past this the cache starts again empty (hot keys refill it at once). */
const MAX_READS = 4096;
/** Longer reads are not kept: they are rare and would crowd out the first pages of many keys. */
const MAX_ROWS = 256;

/**
 * Recent postings reads, by their whole statement: a busy server asks for the first rows of the same
 * keys over and over, and in the server each row read from SQLite costs about 5 µs (its pages are
 * cold in the CPU caches by the next request). Correct because every write of a key's postings goes
 * through ChunkJournal, which drops that key's reads here, and because a write by another connection
 * (`cairn import` beside the server) empties the cache (`forgetOtherWriters`).
 */
export class PostingsCache {
  private reads = new Map<string, Candidate[]>();
  /** Cached read keys per postings key (part, attr, term). */
  private byPostingsKey = new Map<string, string[]>();
  private readonly dataVersion;
  private seenDataVersion: number | undefined;

  constructor(db: Database.Database) {
    // Changes when another connection (another process) commits; this connection's own writes invalidate precisely.
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * Call first in a read transaction (ChunkJournal.beganRead): empties the cache if another
   * connection (an import) has committed since the last call, and says whether one had.
   */
  forgetOtherWriters(): boolean {
    const version = this.dataVersion.get();
    if (version === this.seenDataVersion) return false;
    this.clear();
    this.seenDataVersion = version;
    return true;
  }

  get(part: number, attr: number, term: number, bounds: string): Candidate[] | undefined {
    return this.reads.get(readKey(part, attr, term, bounds));
  }

  set(part: number, attr: number, term: number, bounds: string, rows: Candidate[]): void {
    if (rows.length > MAX_ROWS) return;
    if (this.reads.size >= MAX_READS) this.clear();
    const key = readKey(part, attr, term, bounds);
    this.reads.set(key, rows);
    const owner = postingsKey(part, attr, term);
    const list = this.byPostingsKey.get(owner);
    if (list) list.push(key);
    else this.byPostingsKey.set(owner, [key]);
  }

  /** A posting of this key was written or deleted: its reads may be stale. */
  invalidate(part: number, attr: number, term: number): void {
    // An import writes thousands of postings per append and never reads: skip building keys for nothing.
    if (this.byPostingsKey.size === 0) return;
    const owner = postingsKey(part, attr, term);
    const list = this.byPostingsKey.get(owner);
    if (!list) return;
    for (const key of list) this.reads.delete(key);
    this.byPostingsKey.delete(owner);
  }

  clear(): void {
    this.reads = new Map();
    this.byPostingsKey = new Map();
  }
}

/** One (partition, attribute, term) as a map key. */
export function postingsKey(part: number, attr: number, term: number): string {
  return `${part}:${attr}:${term}`;
}

function readKey(part: number, attr: number, term: number, bounds: string): string {
  return `${part}:${attr}:${term}|${bounds}`;
}
