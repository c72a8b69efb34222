/**
 * Builds a store's own compression dictionary from the records it receives first: zstd with a
 * "raw content" dictionary of typical records compresses 64-record chunks to below the gzip size of
 * whole log files (measured in docs/ARCHITECTURE.md), and a store's own records beat any seed.
 */
export const DICTIONARY_BYTES = 112 * 1024;
/** Records seen before the dictionary is built, and how often one is kept as a sample. */
const SAMPLE_FROM = 16_384;
const SAMPLE_EVERY = 8;

export class DictionarySampler {
  private seen = 0;
  private readonly samples: string[] = [];

  /** Offers a record; returns a dictionary once enough records have been seen (once). */
  offer(raw: string): Buffer | undefined {
    this.seen += 1;
    if (this.seen % SAMPLE_EVERY === 0) this.samples.push(raw);
    if (this.seen !== SAMPLE_FROM) return undefined;
    return buildDictionary(this.samples);
  }

  get done(): boolean {
    return this.seen >= SAMPLE_FROM;
  }
}

/**
 * Concatenates evenly spaced samples up to the dictionary size. zstd prefers the most useful
 * content last, so later samples (closer to what comes next) end the dictionary.
 */
export function buildDictionary(samples: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  const stride = Math.max(1, Math.floor(samples.length / 256));
  for (let i = 0; i < samples.length && size < DICTIONARY_BYTES; i += stride) {
    const part = Buffer.from(samples[i]!, 'utf8');
    parts.push(part);
    size += part.length;
  }
  const all = Buffer.concat(parts);
  return all.length > DICTIONARY_BYTES ? all.subarray(all.length - DICTIONARY_BYTES) : all;
}
