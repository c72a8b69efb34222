import type pg from 'pg';
import type { LakeObjectKind, LakeResults, LakeStateStore } from '../types.js';

/** Lake state on PostgreSQL (schema migration 3): the same documents as the SQLite backend keeps. */
export class PostgresLakeStateStore implements LakeStateStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(kind: LakeObjectKind, id: string, accountId: string, doc: object): Promise<void> {
    await this.pool.query(
      'INSERT INTO lake_objects (kind, id, account_id, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id) DO UPDATE SET account_id = EXCLUDED.account_id, doc = EXCLUDED.doc',
      [kind, id, accountId, JSON.stringify(doc)],
    );
  }

  async get<T>(kind: LakeObjectKind, id: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ doc: string }>('SELECT doc FROM lake_objects WHERE kind = $1 AND id = $2', [kind, id]);
    return rows[0] ? (JSON.parse(rows[0].doc) as T) : undefined;
  }

  async list<T>(kind: LakeObjectKind, accountId?: string): Promise<T[]> {
    const { rows } =
      accountId === undefined
        ? await this.pool.query<{ doc: string }>('SELECT doc FROM lake_objects WHERE kind = $1 ORDER BY id', [kind])
        : await this.pool.query<{ doc: string }>('SELECT doc FROM lake_objects WHERE kind = $1 AND account_id = $2 ORDER BY id', [kind, accountId]);
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  async delete(kind: LakeObjectKind, id: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM lake_objects WHERE kind = $1 AND id = $2', [kind, id]);
      if (kind === 'query') await client.query('DELETE FROM lake_query_results WHERE query_id = $1', [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async putResults(queryId: string, columns: readonly string[], rows: readonly (readonly string[])[]): Promise<void> {
    await this.pool.query(
      'INSERT INTO lake_query_results (query_id, columns, rows, row_count) VALUES ($1, $2, $3, $4) ON CONFLICT (query_id) DO UPDATE SET columns = EXCLUDED.columns, rows = EXCLUDED.rows, row_count = EXCLUDED.row_count',
      [queryId, JSON.stringify(columns), JSON.stringify(rows), rows.length],
    );
  }

  async readResults(queryId: string, offset: number, limit: number): Promise<LakeResults | undefined> {
    const { rows } = await this.pool.query<{ columns: string; rows: string }>('SELECT columns, rows FROM lake_query_results WHERE query_id = $1', [queryId]);
    const row = rows[0];
    if (!row) return undefined;
    const all = JSON.parse(row.rows) as string[][];
    return { columns: JSON.parse(row.columns) as string[], rows: all.slice(offset, offset + limit), total: all.length };
  }

  async cursor(name: string): Promise<number> {
    const { rows } = await this.pool.query<{ seq: number }>('SELECT seq FROM lake_cursors WHERE name = $1', [name]);
    return rows[0]?.seq ?? 0;
  }

  async setCursor(name: string, seq: number): Promise<void> {
    await this.pool.query('INSERT INTO lake_cursors (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = GREATEST(lake_cursors.seq, EXCLUDED.seq)', [name, seq]);
  }
}
