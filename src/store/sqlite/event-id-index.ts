import type Database from 'better-sqlite3';
import { EventIdFilter } from './event-id-filter.js';

/** Ids held in `event_ids_recent` before ranges of them are merged into `event_ids`. */
export const RECENT_ID_LIMIT = 131_072;
/** The hash space (53 bits, see event-id.ts) is merged a sixteenth at a time. */
const RANGES = 16;
const RANGE_WIDTH = 2 ** 53 / RANGES;

/**
 * Where an eventID hash is: each row holds (hash, seq), where seq is a seq inside the chunk holding
 * the event (`ChunkJournal` resolves it to that chunk). A row is written with the chunk's id, its
 * first seq; compaction, which merges chunks but keeps every seq, leaves the rows alone, and so
 * does not rewrite one random B-tree page per event it merges. A chunk's removal deletes the rows
 * whose seq lies in its range.
 *
 * Two tables: an eventID's hash is random, so inserting it straight into the big `event_ids` tree
 * dirties one page per event, and every dirty page is a 4 KB WAL frame at commit (two thirds of an
 * import's append cost at a million events). New ids go to the small `event_ids_recent` instead;
 * once it holds more than the limit, each write moves one sixteenth of the hash space across, so a
 * page of `event_ids` takes many ids at once. Lookups read both tables. Every method runs inside
 * the caller's transaction, or reads. (The tables' column is named `chunk` from when rows named one.)
 */
export class EventIdIndex {
  private readonly statements;
  private readonly recentLimit: number;
  /** This process's count of recent rows: another writer's rows show only when it is re-read. */
  private recentRows: number;
  private nextRange = 0;
  /**
   * A bulk writer's filter of every stored hash ('unbuilt' until its first write needs it; 'off' for
   * good once another connection has written, since its ids would be missing).
   */
  private filter: EventIdFilter | 'unbuilt' | 'off';
  /** SQLite's data_version when the filter was last known complete. */
  private filterDataVersion = 0;

  constructor(
    db: Database.Database,
    { bulkWriter = false, recentLimit = RECENT_ID_LIMIT }: { bulkWriter?: boolean; recentLimit?: number } = {},
  ) {
    this.recentLimit = recentLimit;
    this.filter = bulkWriter ? 'unbuilt' : 'off';
    this.statements = {
      insert: db.prepare<[number, number]>('INSERT OR IGNORE INTO event_ids_recent (hash, chunk) VALUES (?, ?)'),
      deleteMain: db.prepare<[number, number, number]>('DELETE FROM event_ids WHERE hash = ? AND chunk BETWEEN ? AND ?'),
      deleteRecent: db.prepare<[number, number, number]>('DELETE FROM event_ids_recent WHERE hash = ? AND chunk BETWEEN ? AND ?'),
      seqs: db.prepare<[number, number], number>('SELECT chunk FROM event_ids WHERE hash = ? UNION ALL SELECT chunk FROM event_ids_recent WHERE hash = ?').pluck(),
      countRecent: db.prepare<[], number>('SELECT count(*) FROM event_ids_recent').pluck(),
      mergeRange: db.prepare<[number, number]>('INSERT OR IGNORE INTO event_ids (hash, chunk) SELECT hash, chunk FROM event_ids_recent WHERE hash >= ? AND hash < ?'),
      clearRange: db.prepare<[number, number]>('DELETE FROM event_ids_recent WHERE hash >= ? AND hash < ?'),
      allHashes: db.prepare<[], number>('SELECT hash FROM event_ids UNION ALL SELECT hash FROM event_ids_recent').pluck(),
      countAll: db.prepare<[], number>('SELECT (SELECT count(*) FROM event_ids) + (SELECT count(*) FROM event_ids_recent)').pluck(),
      // Changes when another connection commits, never for this one's own commits.
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
    this.recentRows = this.statements.countRecent.get() ?? 0;
  }

  /** Call first in every write transaction: drops the filter if another connection has written since it was complete. */
  beganWrite(): void {
    if (this.filter instanceof EventIdFilter && this.statements.dataVersion.get() !== this.filterDataVersion) this.filter = 'off';
  }

  /**
   * Whether a stored eventID may have this hash (false: certainly none has); always true without a
   * filter. Call in a write transaction: its lock keeps other writers out until the insert.
   */
  mayHold(hash: number): boolean {
    if (this.filter === 'off') return true;
    const filter = this.filter === 'unbuilt' || this.filter.full ? this.buildFilter() : this.filter;
    return filter === 'off' || filter.mayHold(hash);
  }

  /** Adds (hash, seq) rows, sorted by hash so neighbours share pages; then merges a range if due. */
  insert(rows: readonly (readonly [hash: number, seq: number])[]): void {
    if (this.filter instanceof EventIdFilter) for (const [hash] of rows) this.filter.add(hash);
    for (const [hash, seq] of rows) this.recentRows += this.statements.insert.run(hash, seq).changes;
    if (this.recentRows > this.recentLimit) this.mergeOneRange();
  }

  /** Deletes the rows of `hash` pointing into the chunk that spans seqs firstSeq..lastSeq. */
  remove(hash: number, firstSeq: number, lastSeq: number): void {
    this.statements.deleteMain.run(hash, firstSeq, lastSeq);
    this.recentRows -= this.statements.deleteRecent.run(hash, firstSeq, lastSeq).changes;
  }

  /** Seqs inside the chunks that may hold an eventID with this hash (callers confirm against each chunk). */
  seqsOf(hash: number): number[] {
    return this.statements.seqs.all(hash, hash);
  }

  /** Call after the caller's transaction rolls back: the count may include rows that are gone. */
  rolledBack(): void {
    this.recentRows = this.statements.countRecent.get() ?? 0;
  }

  /** Every stored hash, with room to grow to twice as many; off when that is too large. */
  private buildFilter(): EventIdFilter | 'off' {
    const filter = EventIdFilter.forCapacity(2 * (this.statements.countAll.get() ?? 0));
    if (filter) for (const hash of this.statements.allHashes.iterate()) filter.add(hash);
    this.filter = filter ?? 'off';
    this.filterDataVersion = this.statements.dataVersion.get() ?? 0;
    return this.filter;
  }

  private mergeOneRange(): void {
    const from = this.nextRange * RANGE_WIDTH;
    const to = (this.nextRange + 1) * RANGE_WIDTH;
    this.nextRange = (this.nextRange + 1) % RANGES;
    this.statements.mergeRange.run(from, to);
    this.recentRows -= this.statements.clearRange.run(from, to).changes;
    // Another process's inserts are not in this count; re-read it once a full sweep is done.
    if (this.nextRange === 0) this.recentRows = this.statements.countRecent.get() ?? 0;
  }
}
