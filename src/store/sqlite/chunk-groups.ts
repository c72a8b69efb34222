import type { JournalEntry } from '../../records/index.js';
import { partKey } from './stored-event.js';

/**
 * Events per chunk: 128 compress to about 205 B each with a store dictionary (64: 215, 16: 240),
 * need about 2.2 postings rows per event (64: 2.9, 16: 4.4), and one still decodes in about 0.2 ms.
 */
export const EVENTS_PER_CHUNK = 128;
/**
 * The widest span of eventTimes one chunk may hold, in ms (one day). A lookup bounded above (EndTime, or
 * the cursor of a later page) seeks the postings to that bound plus this span instead of reading
 * every newer chunk.
 */
export const MAX_CHUNK_SPAN_MS = 86_400_000;
/**
 * How one append's entries split into chunks: `order` lists entry indexes chunk after chunk, and
 * chunk k is order[ends[k - 1] .. ends[k]). Typed arrays, so a reader thread can work it out and send it.
 */
export interface ChunkGroups {
  order: Uint32Array;
  ends: Uint32Array;
}

/**
 * Splits one append into chunks. Events of one append are committed together, so their order among
 * themselves is free: sorted by partition and time, chunks stay narrow in time and few partitions
 * share one, which keeps postings few and lookups short. No chunk spans more than MAX_CHUNK_SPAN_MS.
 * Pure: the import's reader thread cuts the same chunks as the store (chunk-preparation.ts).
 */
export function chunkGroups(entries: readonly JournalEntry[]): ChunkGroups {
  const parts = entries.map((e) => partKey(e.accountId, e.region, e.category));
  const sorted = entries
    .map((_, i) => i)
    .sort((a, b) => (parts[a]! < parts[b]! ? -1 : parts[a]! > parts[b]! ? 1 : entries[a]!.eventTime - entries[b]!.eventTime));
  const ends: number[] = [];
  let size = 0;
  let lo = Infinity;
  let hi = -Infinity;
  sorted.forEach((index, at) => {
    const t = entries[index]!.eventTime;
    if (size === EVENTS_PER_CHUNK || Math.max(hi, t) - Math.min(lo, t) > MAX_CHUNK_SPAN_MS) {
      ends.push(at);
      size = 0;
      lo = Infinity;
      hi = -Infinity;
    }
    size++;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  });
  if (size > 0) ends.push(sorted.length);
  return { order: Uint32Array.from(sorted), ends: Uint32Array.from(ends) };
}
