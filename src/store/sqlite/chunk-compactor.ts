import type Database from 'better-sqlite3';
import type { ChunkEvent } from './chunk-format.js';
import type { ChunkJournal, ChunkRow } from './chunk-journal.js';

/** Chunks examined per round, at most, read this many at a time. */
const ROUND = 4096;
const PAGE = 256;
/**
 * Events merged per round, at most (give or take one merged chunk). A round is one transaction on
 * the server's thread: 5 s of recorded calls at 500 a second took 110 ms to merge in one go, a
 * minute's 1.3 s, and every request waited. About 20 ms of work here; rounds follow each other
 * with the event loop free in between.
 */
const MERGED_PER_ROUND = 512;
const PROGRESS = 'compacted-through-chunk';

/**
 * Recorded calls are appended a few at a time (one chunk per group commit), which compresses poorly
 * and multiplies postings. The compactor merges runs of consecutive small chunks into chunks of up
 * to `target` events. A merged chunk keeps the first chunk's id and every event its seq, so cursors
 * over the journal stay valid.
 */
export class ChunkCompactor {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly journal: ChunkJournal,
    private readonly target: number,
    /** Widest eventTime span (ms) a merged chunk may have. */
    private readonly maxSpan: number,
  ) {
    this.statements = {
      progress: db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck(),
      saveProgress: db.prepare<[string, string]>('INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)'),
      chunks: db.prepare<[number, number], ChunkRow>('SELECT id, last_seq, count, received, received_max FROM chunks WHERE id > ? ORDER BY id LIMIT ?'),
    };
  }

  /** One round, inside the caller's transaction; returns how many events moved (0: nothing to do). */
  compactRound(): number {
    const from = Number(this.statements.progress.get(PROGRESS) ?? 0);
    let moved = 0;
    let run: ChunkRow[] = [];
    let runEvents = 0;
    let doneThrough = from;
    const flush = (): void => {
      if (run.length > 1) moved += this.merge(run);
      run = [];
      runEvents = 0;
    };
    for (const row of this.rowsAfter(from)) {
      if (row.count >= this.target) {
        flush();
        doneThrough = row.id;
        if (moved >= MERGED_PER_ROUND) break;
        continue;
      }
      if (runEvents + row.count > this.target || !this.fitsSpan(run, row)) {
        flush();
        doneThrough = row.id - 1;
        if (moved >= MERGED_PER_ROUND) break;
      }
      run.push(row);
      runEvents += row.count;
    }
    // The last run may still grow with the next appends: merge it, but come back to it next round.
    if (run.length > 1) {
      const first = run[0]!.id;
      flush();
      doneThrough = first - 1;
    } else if (run.length === 1) doneThrough = run[0]!.id - 1;
    if (doneThrough !== from) this.statements.saveProgress.run(PROGRESS, String(doneThrough));
    return moved;
  }

  /** Chunk rows after `from` in id order, a page at a time, up to ROUND: a round that stops early reads few. */
  private *rowsAfter(from: number): Generator<ChunkRow> {
    for (let after = from, examined = 0; examined < ROUND; ) {
      const page = this.statements.chunks.all(after, PAGE);
      yield* page;
      examined += page.length;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }

  private readonly spans = new Map<number, { lo: number; hi: number }>();

  /** Whether adding `row` to `run` keeps the merged chunk within the span limit. */
  private fitsSpan(run: readonly ChunkRow[], row: ChunkRow): boolean {
    if (run.length === 0) return true;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of [...run, row]) {
      const span = this.spanOf(r.id);
      lo = Math.min(lo, span.lo);
      hi = Math.max(hi, span.hi);
    }
    return hi - lo <= this.maxSpan;
  }

  private spanOf(id: number): { lo: number; hi: number } {
    let span = this.spans.get(id);
    if (!span) {
      const { decoded } = this.journal.open(id);
      let lo = Infinity;
      let hi = -Infinity;
      for (const t of decoded.time) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      span = { lo, hi };
      if (this.spans.size > 65_536) this.spans.clear();
      this.spans.set(id, span);
    }
    return span;
  }

  private merge(run: readonly ChunkRow[]): number {
    const first = run[0]!;
    const events: ChunkEvent[] = [];
    for (const row of run) {
      // Through the cache: fitsSpan has just decoded these chunks.
      const chunk = this.journal.open(row.id);
      const { decoded, received } = chunk;
      for (let i = 0; i < decoded.count; i++) {
        const e = decoded.event(i);
        events.push({ ...e, seqDelta: row.id + e.seqDelta - first.id, receivedDelta: received + e.receivedDelta - first.received });
      }
      // Id rows point at seqs, which the merged chunk keeps: no id row is rewritten.
      this.journal.remove(row.id, chunk, { keepIds: true });
      this.spans.delete(row.id);
    }
    this.journal.insert(first.id, first.received, events, { indexIds: false });
    return events.length;
  }
}
