import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/**
 * Records are stored as deflate-compressed runs of their UTF-8 text, a few records per chunk, with a
 * preset dictionary of typical CloudTrail JSON. Small chunks keep a lookup cheap (one page of a
 * filtered lookup touches up to 50 chunks; each inflates in about 0.1 ms), and the dictionary keeps
 * the ratio near the gzip of a whole log file. See docs/ARCHITECTURE.md for the measurements.
 */
export const RECORDS_PER_CHUNK = 16;
const LEVEL = 6;

export interface CompressedChunk {
  data: Buffer;
  /** Where each record sits in the decompressed bytes. */
  offsets: { off: number; len: number }[];
}

export function compressChunk(texts: readonly string[], dictionary: Buffer): CompressedChunk {
  const { joined, offsets } = join(texts);
  return { data: deflateRawSync(joined, { level: LEVEL, dictionary }), offsets };
}

/** The same, on libuv's thread pool. */
export async function compressChunkAsync(texts: readonly string[], dictionary: Buffer): Promise<CompressedChunk> {
  const { joined, offsets } = join(texts);
  return { data: await deflateRawAsync(joined, { level: LEVEL, dictionary }), offsets };
}

function join(texts: readonly string[]): { joined: Buffer; offsets: { off: number; len: number }[] } {
  const parts = texts.map((t) => Buffer.from(t, 'utf8'));
  const offsets: { off: number; len: number }[] = [];
  let off = 0;
  for (const part of parts) {
    offsets.push({ off, len: part.length });
    off += part.length;
  }
  return { joined: Buffer.concat(parts, off), offsets };
}

export function decompressChunk(data: Uint8Array, dictionary: Buffer): Buffer {
  return inflateRawSync(data, { dictionary });
}

/** A small LRU of decompressed chunks: newest-first lookups keep touching the same recent chunks. */
export class ChunkCache {
  private readonly entries = new Map<number, Buffer>();
  constructor(private readonly capacity: number) {}

  get(id: number, load: () => Buffer): Buffer {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const value = load();
    this.entries.set(id, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  delete(id: number): void {
    this.entries.delete(id);
  }
}
