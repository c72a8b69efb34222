import type Database from 'better-sqlite3';
import type { LakeObjectKind, LakeResults, LakeStateStore } from '../types.js';

/** Lake state in the same SQLite database as the journal (see lake-schema.ts). */
export class SqliteLakeStateStore implements LakeStateStore {
  constructor(private readonly db: Database.Database) {}

  put(kind: LakeObjectKind, id: string, accountId: string, doc: object): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO lake_objects (kind, id, account_id, doc) VALUES (?, ?, ?, ?)').run(kind, id, accountId, JSON.stringify(doc));
    return Promise.resolve();
  }

  get<T>(kind: LakeObjectKind, id: string): Promise<T | undefined> {
    const text = this.db.prepare<[string, string], string>('SELECT doc FROM lake_objects WHERE kind = ? AND id = ?').pluck().get(kind, id);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as T));
  }

  list<T>(kind: LakeObjectKind, accountId?: string): Promise<T[]> {
    const texts =
      accountId === undefined
        ? this.db.prepare<[string], string>('SELECT doc FROM lake_objects WHERE kind = ? ORDER BY id').pluck().all(kind)
        : this.db.prepare<[string, string], string>('SELECT doc FROM lake_objects WHERE kind = ? AND account_id = ? ORDER BY id').pluck().all(kind, accountId);
    return Promise.resolve(texts.map((t) => JSON.parse(t) as T));
  }

  delete(kind: LakeObjectKind, id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM lake_objects WHERE kind = ? AND id = ?').run(kind, id);
      if (kind === 'query') this.db.prepare('DELETE FROM lake_query_results WHERE query_id = ?').run(id);
    })();
    return Promise.resolve();
  }

  putResults(queryId: string, columns: readonly string[], rows: readonly (readonly string[])[]): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO lake_query_results (query_id, columns, rows, row_count) VALUES (?, ?, ?, ?)')
      .run(queryId, JSON.stringify(columns), JSON.stringify(rows), rows.length);
    return Promise.resolve();
  }

  readResults(queryId: string, offset: number, limit: number): Promise<LakeResults | undefined> {
    const row = this.db.prepare<[string], { columns: string; rows: string }>('SELECT columns, rows FROM lake_query_results WHERE query_id = ?').get(queryId);
    if (!row) return Promise.resolve(undefined);
    const all = JSON.parse(row.rows) as string[][];
    return Promise.resolve({ columns: JSON.parse(row.columns) as string[], rows: all.slice(offset, offset + limit), total: all.length });
  }

  cursor(name: string): Promise<number> {
    const seq = this.db.prepare<[string], number>('SELECT seq FROM lake_cursors WHERE name = ?').pluck().get(name);
    return Promise.resolve(seq ?? 0);
  }

  setCursor(name: string, seq: number): Promise<void> {
    this.db.prepare('INSERT INTO lake_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq)').run(name, seq);
    return Promise.resolve();
  }
}
