import type { StoredEvent } from '../../records/index.js';
import type { DecodedChunk } from './chunk-format.js';

export interface OpenChunk {
  decoded: DecodedChunk;
  /** Seq of the chunk's first event (its id). */
  firstSeq: number;
  /** Base of the events' received deltas, epoch ms. */
  received: number;
  /** Events already handed out, by position: built once while the chunk stays cached (see toStoredEvent). */
  handedOut: (StoredEvent | undefined)[];
  /** Positions of the driving keys lookups walked it by (postings.ts positionsOf), built once while the chunk stays cached. */
  positions: Map<string, Uint32Array>;
}

/**
 * Decoded chunks, least recently used dropped first once `budget` bytes are held: newest-first
 * lookups keep returning to the same recent chunks, and decoding one costs far more than a Map hit.
 */
export class ChunkCache {
  private readonly entries = new Map<number, OpenChunk>();
  private held = 0;

  constructor(private readonly budget: number) {}

  get(id: number, load: () => OpenChunk): OpenChunk {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const value = load();
    this.entries.set(id, value);
    this.held += value.decoded.size;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.budget) break;
      this.entries.delete(oldest);
      this.held -= entry.decoded.size;
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  delete(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.held -= entry.decoded.size;
  }
}
