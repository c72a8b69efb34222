import type { JournalEntry } from '../records/index.js';
import type { ArchiveBatch } from './archive-reader.js';

/**
 * The same entries and file results as `batches`, regrouped so that every batch holds exactly `size`
 * entries (the last one fewer): the batches the importing thread appends, formed where they are read,
 * so that the reader thread can prepare each append for the store. A file's result follows, as a batch
 * without entries, once every entry read before it has been handed on; skipped counts ride on the
 * next batch handed on.
 */
export async function* rebatch(batches: AsyncIterable<ArchiveBatch>, size: number): AsyncGenerator<ArchiveBatch> {
  let entries: JournalEntry[] = [];
  let skipped = 0;
  let bytesRead = 0;
  let gathered = 0;
  let handedOn = 0;
  let lastFile = '';
  const finished: { batch: ArchiveBatch; after: number }[] = [];
  /** The skipped count gathered so far, for the batch about to be handed on. */
  const take = (): number => {
    const n = skipped;
    skipped = 0;
    return n;
  };
  /** The results of files whose entries have all been handed on. */
  function* results(): Generator<ArchiveBatch> {
    while (finished.length > 0 && finished[0]!.after <= handedOn) {
      const { batch } = finished.shift()!;
      // Bytes read so far, not when the file ended: progress never goes back.
      yield { ...batch, skipped: take(), bytesRead };
    }
  }
  for await (const batch of batches) {
    if (entries.length === 0 && batch.entries.length === size) entries = batch.entries;
    else for (const e of batch.entries) entries.push(e);
    gathered += batch.entries.length;
    skipped += batch.skipped;
    bytesRead = batch.bytesRead;
    lastFile = batch.file;
    if (batch.done) finished.push({ batch: { file: batch.file, entries: [], skipped: 0, bytesRead: 0, done: batch.done }, after: gathered });
    while (entries.length >= size) {
      const full = entries.length === size ? entries : entries.slice(0, size);
      entries = entries.length === size ? [] : entries.slice(size);
      handedOn += full.length;
      yield { file: batch.file, entries: full, skipped: take(), bytesRead };
      yield* results();
    }
    yield* results();
  }
  if (entries.length > 0) {
    handedOn += entries.length;
    yield { file: lastFile, entries, skipped: take(), bytesRead };
  }
  yield* results();
  if (skipped > 0) yield { file: lastFile, entries: [], skipped: take(), bytesRead };
}
