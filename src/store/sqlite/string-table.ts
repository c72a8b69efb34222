import type Database from 'better-sqlite3';

/**
 * Interns attribute values (event names, sources, users, keys, resources, partitions) as small
 * integers, so the index rows stay short. Ids never change once given, so caching them is safe
 * even when another process (a concurrent `cairn import`) adds strings.
 */
const MAX_CACHED = 200_000;

export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values = new Map<number, string>();
  private readonly insert;
  private readonly byValue;
  private readonly byId;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[string]>('INSERT OR IGNORE INTO strings (value) VALUES (?)');
    this.byValue = db.prepare<[string], number>('SELECT id FROM strings WHERE value = ?').pluck();
    this.byId = db.prepare<[number], string>('SELECT value FROM strings WHERE id = ?').pluck();
  }

  /** The id of `value`, adding it when new. Call inside the writing transaction. */
  intern(value: string): number {
    const known = this.find(value);
    if (known !== undefined) return known;
    this.insert.run(value);
    return this.remember(value, this.byValue.get(value));
  }

  /** The id of `value` if it was ever interned. */
  find(value: string): number | undefined {
    const cached = this.ids.get(value);
    if (cached !== undefined) return cached;
    const id = this.byValue.get(value);
    return id === undefined ? undefined : this.remember(value, id);
  }

  value(id: number): string {
    const cached = this.values.get(id);
    if (cached !== undefined) return cached;
    const value = this.byId.get(id);
    if (value === undefined) throw new Error(`string ${id} is missing from the journal`);
    this.remember(value, id);
    return value;
  }

  /** Drops the cache: after a rolled-back transaction its ids may not exist. */
  forget(): void {
    this.ids.clear();
    this.values.clear();
  }

  private remember(value: string, id: number | undefined): number {
    if (id === undefined) throw new Error(`could not intern ${JSON.stringify(value)}`);
    // High-cardinality values (object keys, request ids) must not grow the cache without bound.
    if (this.ids.size >= MAX_CACHED) this.forget();
    this.ids.set(value, id);
    this.values.set(id, value);
    return id;
  }
}
