/**
 * `cairn import`: reads archives and appends their records to the event store batch by batch.
 * Each append is durable when it resolves and the store skips eventIDs it already holds, so an import
 * killed midway and run again ends with every event stored exactly once.
 */
import type { JournalEntry } from '../records/index.js';
import type { EventStore, PreparedAppend } from '../store/index.js';
import { DEFAULT_BATCH_SIZE, listArchiveFiles, readListedFiles } from './archive-reader.js';
import type { FileResult, ReadOptions } from './archive-reader.js';
import { readListedFilesOnThread } from './reader-thread.js';

export interface ImportProgress {
  /** The file being read. */
  file: string;
  /** Files finished so far (read, failed or ignored) and in all. */
  filesDone: number;
  filesTotal: number;
  /** Cumulative counts. */
  records: number;
  skipped: number;
  inserted: number;
  duplicates: number;
  /** Bytes read from disk so far and in all (compressed sizes). */
  bytes: number;
  bytesTotal: number;
}

export interface ImportOptions extends ReadOptions {
  /** Called after every batch read and every append, with cumulative figures. */
  onProgress?: (progress: ImportProgress) => void;
  /** Also called once per file when it is finished. */
  onFile?: (result: FileResult) => void;
  /**
   * Read the files on a worker thread while this one appends (the `cairn import` command). A
   * thread costs 30-40 ms to start, so small programmatic imports read on the caller's thread.
   */
  readerThread?: boolean;
}

export interface ImportSummary {
  /** Files read as record files (ok or failed; zip members count one each). */
  files: number;
  filesFailed: { file: string; reason: string }[];
  /** Files found by walking directories that are not JSON (README, CSV, ...). */
  filesIgnored: { file: string; reason: string }[];
  /** CloudTrail records read: inserted + duplicates. */
  records: number;
  inserted: number;
  duplicates: number;
  /** JSON values that are not CloudTrail records (or lack eventID, eventTime, ...). */
  skipped: number;
  /** Bytes read from disk. */
  bytes: number;
  seconds: number;
}

/**
 * Imports every CloudTrail record under `paths` into `store`. Entries are appended in batches of
 * `batchSize` (default 4096; a batch may span files); a failing append rejects (after earlier batches
 * were stored), a malformed file does not.
 */
export async function importArchive(paths: readonly string[], store: Pick<EventStore, 'append' | 'appendRecipe'>, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const listing = await listArchiveFiles(paths);
  const summary: ImportSummary = { files: 0, filesFailed: [], filesIgnored: [], records: 0, inserted: 0, duplicates: 0, skipped: 0, bytes: 0, seconds: 0 };
  const progress: ImportProgress = {
    file: '',
    filesDone: 0,
    filesTotal: listing.files.length + listing.missing.length,
    records: 0,
    skipped: 0,
    inserted: 0,
    duplicates: 0,
    bytes: 0,
    bytesTotal: listing.files.reduce((sum, f) => sum + f.size, 0),
  };
  const report = (): void => {
    if (!options.onProgress) return;
    progress.records = summary.records;
    progress.skipped = summary.skipped;
    progress.inserted = summary.inserted;
    progress.duplicates = summary.duplicates;
    progress.bytes = summary.bytes;
    options.onProgress({ ...progress });
  };
  let pending: JournalEntry[] = [];
  // The reader thread's work for the store on one batch's entries, while `pending` is that very batch.
  let prepared: { entries: JournalEntry[]; work: PreparedAppend } | undefined;
  // One append in flight while the next batch is read and parsed (its WAL flush runs off-thread).
  let inFlight: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const settle = async (): Promise<void> => {
    await inFlight;
    if (failure) throw failure.error;
  };
  const flush = async (all: boolean): Promise<void> => {
    while (pending.length >= batchSize || (all && pending.length > 0)) {
      const batch = pending.length > batchSize ? pending.slice(0, batchSize) : pending;
      pending = pending.length > batchSize ? pending.slice(batchSize) : [];
      await settle();
      const work = prepared?.entries === batch ? prepared.work : undefined;
      prepared = undefined;
      inFlight = store.append(batch, work ? { prepared: work } : {}).then(
        (r) => {
          summary.inserted += r.inserted;
          summary.duplicates += r.duplicates;
          report();
        },
        (error: unknown) => {
          failure = { error };
        },
      );
    }
    if (all) await settle();
  };

  const batches = options.readerThread
    ? readListedFilesOnThread(listing, { ...options, batchSize, ...(store.appendRecipe ? { appendRecipe: () => store.appendRecipe?.() } : {}) })
    : readListedFiles(listing, { ...options, batchSize });
  for await (const batch of batches) {
    progress.file = batch.file;
    summary.records += batch.entries.length;
    summary.skipped += batch.skipped;
    summary.bytes = batch.bytesRead;
    if (batch.entries.length > 0) {
      if (pending.length === 0 && batch.entries.length === batchSize) {
        pending = batch.entries;
        if (batch.prepared) prepared = { entries: batch.entries, work: batch.prepared };
      } else for (const e of batch.entries) pending.push(e);
    }
    const done = batch.done;
    if (done) {
      progress.filesDone++;
      if (done.status === 'ignored') summary.filesIgnored.push({ file: done.file, reason: done.reason ?? 'not JSON' });
      else {
        summary.files++;
        if (done.status === 'failed') summary.filesFailed.push({ file: done.file, reason: done.reason ?? 'failed' });
      }
      options.onFile?.(done);
    }
    report();
    await flush(false);
  }
  await flush(true);
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report();
  return summary;
}
