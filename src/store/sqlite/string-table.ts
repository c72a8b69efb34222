import type Database from 'better-sqlite3';

/**
 * Interns attribute values (event names, sources, users, keys, resources, partitions) as small
 * integers, so the index rows stay short. Ids never change once given, so caching them is safe
 * even when another process (a concurrent `cairn import`) adds strings.
 */
const MAX_CACHED = 500_000;

export class StringTable {
  private ids = new Map<string, number>();
  private values = new Map<number, string>();
  /** The previous generation of the cache: still consulted, so a full cache keeps its hot half. */
  private olderIds = new Map<string, number>();
  private olderValues = new Map<number, string>();
  private readonly insert;
  private readonly byValue;
  private readonly byId;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[string], number>('INSERT OR IGNORE INTO strings (value) VALUES (?) RETURNING id').pluck();
    this.byValue = db.prepare<[string], number>('SELECT id FROM strings WHERE value = ?').pluck();
    this.byId = db.prepare<[number], string>('SELECT value FROM strings WHERE id = ?').pluck();
  }

  /** The id of `value`, adding it when new. Call inside the writing transaction. */
  intern(value: string): number {
    const cached = this.cached(value);
    if (cached !== undefined) return cached;
    // New values are the common case here (most lookups of known ones hit the cache): insert first.
    return this.remember(value, this.insert.get(value) ?? this.byValue.get(value));
  }

  /** The id of `value` if it was ever interned. */
  find(value: string): number | undefined {
    const cached = this.cached(value);
    if (cached !== undefined) return cached;
    const id = this.byValue.get(value);
    return id === undefined ? undefined : this.remember(value, id);
  }

  value(id: number): string {
    const cached = this.values.get(id) ?? this.olderValues.get(id);
    if (cached !== undefined) return cached;
    const value = this.byId.get(id);
    if (value === undefined) throw new Error(`string ${id} is missing from the journal`);
    this.remember(value, id);
    return value;
  }

  /** Drops the cache: after a rolled-back transaction its ids may not exist. */
  forget(): void {
    this.ids = new Map();
    this.values = new Map();
    this.olderIds = new Map();
    this.olderValues = new Map();
  }

  private cached(value: string): number | undefined {
    return this.ids.get(value) ?? this.olderIds.get(value);
  }

  private remember(value: string, id: number | undefined): number {
    if (id === undefined) throw new Error(`could not intern ${JSON.stringify(value)}`);
    // High-cardinality values (object keys, request ids) must not grow the cache without bound.
    if (this.ids.size >= MAX_CACHED) {
      this.olderIds = this.ids;
      this.olderValues = this.values;
      this.ids = new Map();
      this.values = new Map();
    }
    this.ids.set(value, id);
    this.values.set(id, value);
    return id;
  }
}
