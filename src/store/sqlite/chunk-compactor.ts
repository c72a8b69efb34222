import type Database from 'better-sqlite3';
import { RECORDS_PER_CHUNK, compressChunk } from './chunk-codec.js';

/** Reads chunks through the store's cache, and drops the ones the compactor deletes. */
export interface ChunkReader {
  read(id: number): Buffer;
  forget(id: number): void;
}

/** Chunks with at least this many records are left alone; smaller runs are merged up to it. */
const TARGET_EVENTS = RECORDS_PER_CHUNK;
/** Events examined per compaction round. */
const ROUND = 4096;
const PROGRESS = 'compacted-through-seq';

interface Placement {
  seq: number;
  chunk: number;
  off: number;
  len: number;
}

/**
 * Recorded calls are appended a few at a time (one chunk per group commit), which compresses poorly.
 * (Merged runs can exceed RECORDS_PER_CHUNK a little: a run is never split.)
 * The compactor rewrites runs of small consecutive chunks into one chunk, so the journal ends up as
 * compact as an import. A chunk always holds a contiguous run of seqs; merging keeps that true.
 */
export class ChunkCompactor {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly chunks: ChunkReader,
    private readonly dictionary: Buffer,
  ) {
    this.statements = {
      progress: db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck(),
      saveProgress: db.prepare<[string, string]>('INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)'),
      placements: db.prepare<[number, number], Placement>('SELECT seq, chunk, off, len FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
      insertChunk: db.prepare<[Buffer]>('INSERT INTO chunks (data) VALUES (?)'),
      deleteChunk: db.prepare<[number]>('DELETE FROM chunks WHERE id = ?'),
      move: db.prepare<[number, number, number, number]>('UPDATE events SET chunk = ?, off = ?, len = ? WHERE seq = ?'),
    };
  }

  /** One round of compaction; returns how many events moved to a new chunk. */
  compact(): number {
    return this.db.transaction(() => this.round())();
  }

  private round(): number {
    const from = Number(this.statements.progress.get(PROGRESS) ?? 0);
    const rows = this.statements.placements.all(from, ROUND);
    const runs = groupByChunk(rows);
    // The last run may continue past this round's rows: leave it for the next round.
    if (rows.length === ROUND) runs.pop();
    let done = from;
    let pending: Placement[][] = [];
    let pendingEvents = 0;
    let moved = 0;
    for (const run of runs) {
      if (run.length >= TARGET_EVENTS && pending.length === 0) {
        done = run.at(-1)!.seq;
        continue;
      }
      pending.push(run);
      pendingEvents += run.length;
      if (pendingEvents >= TARGET_EVENTS) {
        moved += this.merge(pending);
        done = run.at(-1)!.seq;
        pending = [];
        pendingEvents = 0;
      }
    }
    // Fewer than TARGET_EVENTS small ones at the end: wait for more calls to arrive.
    this.statements.saveProgress.run(PROGRESS, String(done));
    return moved;
  }

  private merge(runs: Placement[][]): number {
    const texts: string[] = [];
    for (const run of runs) {
      const bytes = this.chunks.read(run[0]!.chunk);
      for (const p of run) texts.push(bytes.toString('utf8', p.off, p.off + p.len));
    }
    const { data, offsets } = compressChunk(texts, this.dictionary);
    const chunk = Number(this.statements.insertChunk.run(data).lastInsertRowid);
    let i = 0;
    for (const run of runs) {
      for (const p of run) {
        const at = offsets[i++]!;
        this.statements.move.run(chunk, at.off, at.len, p.seq);
      }
      this.statements.deleteChunk.run(run[0]!.chunk);
      this.chunks.forget(run[0]!.chunk);
    }
    return texts.length;
  }
}

function groupByChunk(rows: Placement[]): Placement[][] {
  const runs: Placement[][] = [];
  for (const row of rows) {
    const current = runs.at(-1);
    if (current && current[0]!.chunk === row.chunk) current.push(row);
    else runs.push([row]);
  }
  return runs;
}
