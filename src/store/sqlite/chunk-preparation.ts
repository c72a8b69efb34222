import type { JournalEntry } from '../../records/index.js';
import { ChunkCompression } from './chunk-compression.js';
import { chunkGroups } from './chunk-groups.js';

/** What a thread needs to prepare a SQLite store's appends: the dictionary its new chunks use. */
export interface ChunkRecipe {
  kind: 'sqlite-chunks';
  dictionaryId: number;
  dictionary: Uint8Array;
}

/**
 * One append's chunks, cut (chunkGroups) and with their records parts compressed, ahead of the
 * append: zstd was a fifth of an import's appending thread, and its reader thread had time to spare.
 * The store uses it when the append stores every entry it was made for (no duplicates), and cuts and
 * compresses the chunks itself otherwise. Typed arrays and bytes only, so it crosses threads cheaply.
 */
export interface PreparedChunks {
  kind: 'sqlite-chunks';
  /** Entries it was made for. */
  count: number;
  dictionaryId: number;
  order: Uint32Array;
  ends: Uint32Array;
  /** Chunk k's records part, compressed (with its dictionary id in front): records[recordsEnds[k - 1] .. recordsEnds[k]). */
  records: Uint8Array;
  recordsEnds: Uint32Array;
  /** Each record's UTF-8 length, in `order`. */
  lengths: Uint32Array;
}

export class ChunkPreparer {
  private readonly compression = new ChunkCompression(() => undefined);

  constructor(readonly recipe: ChunkRecipe) {
    this.compression.add(recipe.dictionaryId, Buffer.from(recipe.dictionary.buffer, recipe.dictionary.byteOffset, recipe.dictionary.byteLength));
  }

  prepare(entries: readonly JournalEntry[]): PreparedChunks {
    const { order, ends } = chunkGroups(entries);
    const lengths = new Uint32Array(entries.length);
    const parts: Buffer[] = [];
    const recordsEnds = new Uint32Array(ends.length);
    let bytes = 0;
    let from = 0;
    ends.forEach((to, k) => {
      const raws: string[] = [];
      for (let at = from; at < to; at++) raws.push(entries[order[at]!]!.raw);
      const { compressed, lengths: own } = this.compression.compressRecords(raws);
      lengths.set(own, from);
      parts.push(compressed);
      bytes += compressed.length;
      recordsEnds[k] = bytes;
      from = to;
    });
    return { kind: 'sqlite-chunks', count: entries.length, dictionaryId: this.recipe.dictionaryId, order, ends, records: Buffer.concat(parts, bytes), recordsEnds, lengths };
  }
}
