import type Database from 'better-sqlite3';
import type { ChunkEvent } from './chunk-format.js';
import type { ChunkJournal, ChunkRow } from './chunk-journal.js';

/** Chunks examined per round. */
const ROUND = 4096;
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
    const rows = this.statements.chunks.all(from, ROUND);
    let moved = 0;
    let run: ChunkRow[] = [];
    let runEvents = 0;
    let doneThrough = from;
    const flush = (): void => {
      if (run.length > 1) moved += this.merge(run);
      run = [];
      runEvents = 0;
    };
    for (const row of rows) {
      if (row.count >= this.target) {
        flush();
        doneThrough = row.id;
        continue;
      }
      if (runEvents + row.count > this.target) {
        flush();
        doneThrough = row.id - 1;
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

  private merge(run: readonly ChunkRow[]): number {
    const first = run[0]!;
    const events: ChunkEvent[] = [];
    for (const row of run) {
      const chunk = this.journal.load(row.id);
      const { decoded, received } = chunk;
      for (let i = 0; i < decoded.count; i++) {
        const e = decoded.event(i);
        events.push({ ...e, seqDelta: row.id + e.seqDelta - first.id, receivedDelta: received + e.receivedDelta - first.received });
      }
      this.journal.remove(row.id, chunk);
    }
    this.journal.insert(first.id, first.received, events);
    return events.length;
  }
}
