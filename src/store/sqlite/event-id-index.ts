import type Database from 'better-sqlite3';

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
  /** This process's count of recent rows: another writer's rows show only when it is re-read. */
  private recentRows: number;
  private nextRange = 0;

  constructor(
    db: Database.Database,
    private readonly recentLimit = RECENT_ID_LIMIT,
  ) {
    this.statements = {
      insert: db.prepare<[number, number]>('INSERT OR IGNORE INTO event_ids_recent (hash, chunk) VALUES (?, ?)'),
      deleteMain: db.prepare<[number, number, number]>('DELETE FROM event_ids WHERE hash = ? AND chunk BETWEEN ? AND ?'),
      deleteRecent: db.prepare<[number, number, number]>('DELETE FROM event_ids_recent WHERE hash = ? AND chunk BETWEEN ? AND ?'),
      seqs: db.prepare<[number, number], number>('SELECT chunk FROM event_ids WHERE hash = ? UNION ALL SELECT chunk FROM event_ids_recent WHERE hash = ?').pluck(),
      countRecent: db.prepare<[], number>('SELECT count(*) FROM event_ids_recent').pluck(),
      mergeRange: db.prepare<[number, number]>('INSERT OR IGNORE INTO event_ids (hash, chunk) SELECT hash, chunk FROM event_ids_recent WHERE hash >= ? AND hash < ?'),
      clearRange: db.prepare<[number, number]>('DELETE FROM event_ids_recent WHERE hash >= ? AND hash < ?'),
    };
    this.recentRows = this.statements.countRecent.get() ?? 0;
  }

  /** Adds (hash, seq) rows, sorted by hash so neighbours share pages; then merges a range if due. */
  insert(rows: readonly (readonly [hash: number, seq: number])[]): void {
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
