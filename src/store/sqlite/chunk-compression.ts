import { createRequire } from 'node:module';
import type * as Zstd from 'zstd-napi/binding.js';
import { encodeRecords } from './chunk-format.js';

// The native binding directly: its prepared-dictionary API (CDict/DDict) is what makes small chunks cheap.
const zstd = createRequire(import.meta.url)('zstd-napi/binding.js') as typeof Zstd;

/**
 * zstd level 1. On 2,000 chunks of the benchmark data with the store's dictionary: 768 MB/s against
 * level 3's 405 MB/s, for chunks 6 % larger (32.6 against 30.6 KB). Compression was a fifth of an
 * import's appending thread at level 3; the store stays well within 1.5 times the gzip size.
 */
const LEVEL = 1;

interface LoadedDictionary {
  compress: Zstd.CDict;
  decompress: Zstd.DDict;
}

/**
 * Compresses chunks with zstd and one of the store's dictionaries (raw content: sampled records of the
 * store itself). A chunk starts with its dictionary id (2 bytes, little-endian), so dictionaries can
 * be added later without rewriting older chunks. Then come two zstd frames compressed apart with that
 * dictionary, the metadata's and the records' (`compressBeside`), or, in chunks written before, one.
 * Concatenated frames decompress to the concatenated plain bytes, so both forms read the same.
 */
export class ChunkCompression {
  private readonly dictionaries = new Map<number, LoadedDictionary>();
  private readonly cctx = new zstd.CCtx();
  private readonly dctx = new zstd.DCtx();
  private scratch = Buffer.allocUnsafe(256 * 1024);

  /** The dictionary new chunks use: the newest one added. */
  current = 0;

  /** `find` fetches a dictionary this process has not loaded (another process may have added it). */
  constructor(private readonly find: (id: number) => Buffer | undefined) {}

  add(id: number, data: Buffer): void {
    if (id <= 0 || id > 0xffff) throw new Error(`dictionary id ${id} out of range`);
    this.dictionaries.set(id, { compress: new zstd.CDict(data, LEVEL), decompress: new zstd.DDict(data) });
    this.current = Math.max(this.current, id);
  }

  /** Forgets a dictionary added by a transaction that was rolled back. */
  drop(id: number): void {
    this.dictionaries.delete(id);
    this.current = Math.max(0, ...this.dictionaries.keys());
  }

  /** Whether chunks compressed with dictionary `id` can be written (and read) here. */
  has(id: number): boolean {
    return this.dictionaries.has(id);
  }

  compress(plain: Buffer): Buffer {
    return this.compressWith(this.current, plain);
  }

  /** A chunk's records part (`encodeRecords`), compressed with the current dictionary, and each record's byte length. */
  compressRecords(raws: readonly string[]): { compressed: Buffer; lengths: Uint32Array } {
    const { bytes, lengths } = encodeRecords(raws);
    return { compressed: this.compress(bytes), lengths };
  }

  /**
   * A chunk from its metadata and its records part compressed by `compressRecords`, here or on
   * another thread, with a dictionary this store has (`recordBytes` long when plain): `meta` is
   * compressed with the same dictionary and goes in front.
   */
  compressBeside(meta: Buffer, compressedRecords: Buffer, recordBytes: number): Buffer {
    const id = compressedRecords.readUInt16LE(0);
    // The metadata's lengths must add up to the records: a mismatch would store an unreadable chunk.
    if (contentSize(compressedRecords.subarray(2)) !== recordBytes) throw new Error('compressed records do not match their lengths');
    const front = this.compressWith(id, meta);
    return Buffer.concat([front, compressedRecords.subarray(2)]);
  }

  private compressWith(id: number, plain: Buffer): Buffer {
    const dictionary = this.dictionaries.get(id);
    if (!dictionary) throw new Error(id === this.current ? 'no chunk dictionary loaded' : `chunk dictionary ${id} is not loaded`);
    const bound = zstd.compressBound(plain.length) + 2;
    if (this.scratch.length < bound) this.scratch = Buffer.allocUnsafe(bound * 2);
    this.scratch.writeUInt16LE(id, 0);
    const written = this.cctx.compressUsingCDict(this.scratch.subarray(2), plain, dictionary.compress);
    return Buffer.from(this.scratch.subarray(0, written + 2));
  }

  decompress(data: Buffer): Buffer {
    const id = data.readUInt16LE(0);
    if (!this.dictionaries.has(id)) {
      const found = this.find(id);
      if (found) this.dictionaries.set(id, { compress: new zstd.CDict(found, LEVEL), decompress: new zstd.DDict(found) });
    }
    const dictionary = this.dictionaries.get(id);
    if (!dictionary) throw new Error(`journal chunk needs dictionary ${id}, which the store does not have`);
    const frames = data.subarray(2);
    const size = contentSize(frames);
    const out = Buffer.allocUnsafe(size);
    const written = this.dctx.decompressUsingDDict(out, frames, dictionary.decompress);
    if (written !== size) throw new Error('journal chunk is damaged');
    return out;
  }
}

/** The plain size of one or more concatenated zstd frames (each records its own). */
function contentSize(frames: Buffer): number {
  let size = 0;
  for (let at = 0; at < frames.length; ) {
    const frame = frames.subarray(at);
    const frameSize = zstd.getFrameContentSize(frame);
    if (frameSize === null) throw new Error('journal chunk has no content size');
    size += frameSize;
    at += zstd.findFrameCompressedSize(frame);
  }
  return size;
}
