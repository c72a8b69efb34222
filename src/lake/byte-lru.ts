/**
 * The bookkeeping of a cache bounded in bytes: entries by key with their size, least recently used
 * first, and pins (an entry in use is never evicted, even if that leaves the cache over its
 * bound for a while). Pure: the caller deletes what `evict` hands back.
 */
export class ByteLru {
  /** Insertion order is recency: an entry used again is moved to the end. */
  private readonly entries = new Map<string, { bytes: number; pins: number }>();
  private total = 0;

  constructor(readonly limitBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Adds (or refreshes) an entry, pinned once. */
  addPinned(key: string, bytes: number): void {
    this.remove(key);
    this.entries.set(key, { bytes, pins: 1 });
    this.total += bytes;
  }

  /** Marks an entry used now and pins it; false when it is not cached. */
  pin(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    entry.pins++;
    this.entries.set(key, entry);
    return true;
  }

  unpin(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.pins > 0) entry.pins--;
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  /** Forgets unpinned entries, least recently used first, until the cache fits; returns their keys. */
  evict(): string[] {
    const out: string[] = [];
    for (const [key, entry] of this.entries) {
      if (this.total <= this.limitBytes) break;
      if (entry.pins > 0) continue;
      this.entries.delete(key);
      this.total -= entry.bytes;
      out.push(key);
    }
    return out;
  }
}
