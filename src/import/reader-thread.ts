/**
 * `readListedFiles` on a worker thread: an import reads, gunzips and splits the next files there
 * while its own thread appends the batches already read, instead of taking turns at both. The thread
 * also forms the batches the import appends (`rebatch`), and, given the store's recipe, prepares
 * each append for the store (for SQLite: cuts its chunks and compresses their records).
 */
import type { Worker } from 'node:worker_threads';
import type { AppendRecipe } from '../store/index.js';
import { startModuleWorker } from './module-worker.js';
import type { ArchiveBatch, ArchiveListing, ReadOptions } from './archive-reader.js';
import { unpackBatch, type PackedBatch } from './batch-transfer.js';

/** What the reading thread is given: the reading options, less `decrypt`, which stays on this thread. */
export interface ReaderThreadInput {
  listing: ArchiveListing;
  options: Pick<ReadOptions, 'batchSize' | 'fallback' | 'logstashTimestamp'>;
  decrypts: boolean;
  /** Most entries, and most batches, read ahead of what the consumer has taken. */
  aheadEntries: number;
  aheadBatches: number;
  /** The store's recipe for preparing appends, when it has one. */
  recipe?: AppendRecipe;
}

export interface ThreadReadOptions extends ReadOptions {
  batchSize: number;
  /** The store's current recipe for preparing appends (its dictionary may change as it learns one). */
  appendRecipe?: () => AppendRecipe | undefined;
}

export type FromReader =
  | { kind: 'batch'; batch: PackedBatch }
  | { kind: 'decrypt'; id: number; path: string }
  | { kind: 'end' }
  | { kind: 'failed'; message: string };

export type ToReader =
  /** `waited`: the consumer had to wait for the batch it took (this thread is the slower one). */
  | { kind: 'taken'; entries: number; waited: boolean }
  | { kind: 'recipe'; recipe: AppendRecipe }
  | { kind: 'decrypted'; id: number; plaintext?: Uint8Array; error?: string };

/**
 * The reading thread's young generation, in MB. It holds a whole batch (about 6 MB of record text and
 * its entries) while gathering it, and scavenges copy what survives: at V8's default the thread spent
 * 3.5 s of a 1M import in GC, at 192 MB 2.4 s, at 480 MB 1.5 s (`--trace-gc`). Peak RSS stayed at 0.94 GB.
 */
const READER_YOUNG_GENERATION_MB = 480;

/** Entries read ahead, in batches of the consumer's size: two batches keep both threads busy. */
const AHEAD_BATCHES = 2;
/** Batches (each file ends with one) read ahead when files are small. */
const MAX_BATCHES_AHEAD = 256;

/**
 * Yields what `rebatch(readListedFiles(listing, options), batchSize)` yields, in the same order, read
 * on a worker thread, each batch with entries `prepared` when `appendRecipe` gives a recipe. The thread
 * stays about two batches ahead of what has been taken; it stops when the consumer stops.
 */
export async function* readListedFilesOnThread(listing: ArchiveListing, options: ThreadReadOptions): AsyncGenerator<ArchiveBatch> {
  // Only what reading needs crosses to the thread: a caller's options may carry callbacks, which cannot.
  const { batchSize, fallback, logstashTimestamp, decrypt, appendRecipe } = options;
  let recipe = appendRecipe?.();
  const input: ReaderThreadInput = {
    listing,
    options: { batchSize, fallback, logstashTimestamp },
    decrypts: decrypt !== undefined,
    aheadEntries: AHEAD_BATCHES * batchSize,
    aheadBatches: MAX_BATCHES_AHEAD,
    ...(recipe ? { recipe } : {}),
  };
  const worker = startReaderWorker(input);
  const arrived: Exclude<FromReader, { kind: 'decrypt' }>[] = [];
  let wake: (() => void) | undefined;
  let crashed: Error | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: FromReader) => {
    if (message.kind === 'decrypt') void answerDecrypt(worker, message, decrypt);
    else {
      arrived.push(message);
      notify();
    }
  });
  worker.on('error', (error) => {
    crashed = error;
    notify();
  });
  worker.on('exit', () => {
    crashed ??= new Error('the import reader thread stopped before the end');
    notify();
  });
  let waited = false;
  try {
    for (;;) {
      const message = arrived.shift();
      if (message === undefined) {
        if (crashed) throw crashed;
        waited = true;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (message.kind === 'end') return;
      if (message.kind === 'failed') throw new Error(message.message);
      worker.postMessage({ kind: 'taken', entries: message.batch.entries.eventIds.length, waited } satisfies ToReader);
      waited = false;
      yield unpackBatch(message.batch);
      // The consumer has appended what it took before: a store that has just learned its dictionary says so now.
      const latest = appendRecipe?.();
      if (latest && latest !== recipe) {
        recipe = latest;
        worker.postMessage({ kind: 'recipe', recipe } satisfies ToReader);
      }
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

async function answerDecrypt(worker: Worker, request: { id: number; path: string }, decrypt: ReadOptions['decrypt']): Promise<void> {
  let reply: ToReader;
  try {
    const plaintext = await decrypt?.(request.path);
    reply = plaintext === undefined ? { kind: 'decrypted', id: request.id } : { kind: 'decrypted', id: request.id, plaintext };
  } catch (error) {
    reply = { kind: 'decrypted', id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  // The thread may already be gone when the consumer stopped early.
  try {
    worker.postMessage(reply);
  } catch {
    /* terminated */
  }
}

function startReaderWorker(workerData: ReaderThreadInput): Worker {
  return startModuleWorker(new URL('./reader-worker.js', import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
}
