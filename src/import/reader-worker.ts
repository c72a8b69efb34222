/**
 * The import's reading thread (started by `readListedFilesOnThread`): reads the listed files, forms
 * the import's batches from them and posts each (prepared for the store when it gave a recipe),
 * staying a bounded number of entries ahead of what the consumer has taken. Decryption is asked of
 * the importing thread, which holds the key service.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { appendPreparer } from '../store/index.js';
import type { AppendPreparer } from '../store/index.js';
import { DEFAULT_BATCH_SIZE, readListedFiles } from './archive-reader.js';
import { packBatch } from './batch-transfer.js';
import type { FromReader, ReaderThreadInput, ToReader } from './reader-thread.js';
import { rebatch } from './rebatch.js';

const port = parentPort;
if (!port) throw new Error('reader-worker runs as a worker thread');
const input = workerData as ReaderThreadInput;

let entriesAhead = 0;
let batchesAhead = 0;
let resume: (() => void) | undefined;
const decryptions = new Map<number, { resolve: (plaintext: Buffer | undefined) => void; reject: (error: Error) => void }>();
let nextDecryption = 0;
let preparer: AppendPreparer | undefined = input.recipe ? appendPreparer(input.recipe) : undefined;
/** Whether the consumer last had to wait for a batch: then this thread is the slower one. */
let consumerWaited = false;

port.on('message', (message: ToReader) => {
  if (message.kind === 'taken') {
    entriesAhead -= message.entries;
    batchesAhead--;
    consumerWaited = message.waited;
    resume?.();
    resume = undefined;
    return;
  }
  if (message.kind === 'recipe') {
    preparer = appendPreparer(message.recipe);
    return;
  }
  const waiting = decryptions.get(message.id);
  decryptions.delete(message.id);
  if (message.error !== undefined) waiting?.reject(new Error(message.error));
  else waiting?.resolve(message.plaintext ? Buffer.from(message.plaintext.buffer, message.plaintext.byteOffset, message.plaintext.byteLength) : undefined);
});

function post(message: FromReader): void {
  port?.postMessage(message);
}

function askDecryption(path: string): Promise<Buffer | undefined> {
  const id = nextDecryption++;
  const answer = new Promise<Buffer | undefined>((resolve, reject) => {
    decryptions.set(id, { resolve, reject });
    post({ kind: 'decrypt', id, path });
  });
  // Asked ahead, it may fail before the file's turn: the failure is seen when the file is read.
  answer.catch(() => undefined);
  return answer;
}

/**
 * The importing thread answers between its appends, which take up to ~100 ms each: files are asked
 * for this many files ahead, so a run of small files does not wait that long for each.
 */
const DECRYPT_AHEAD = 16;
const fileOrder = input.listing.files.map((f) => f.path);
const filePosition = new Map(fileOrder.map((path, i) => [path, i]));
const askedAhead = new Map<string, Promise<Buffer | undefined>>();
let askedUpTo = 0;

function decrypt(path: string): Promise<Buffer | undefined> {
  const at = filePosition.get(path) ?? askedUpTo;
  for (; askedUpTo < Math.min(fileOrder.length, at + DECRYPT_AHEAD); askedUpTo++) {
    const next = fileOrder[askedUpTo];
    if (next !== undefined && !askedAhead.has(next)) askedAhead.set(next, askDecryption(next));
  }
  const answer = askedAhead.get(path) ?? askDecryption(path);
  askedAhead.delete(path);
  return answer;
}

async function run(): Promise<void> {
  const options = input.decrypts ? { ...input.options, decrypt } : input.options;
  for await (const batch of rebatch(readListedFiles(input.listing, options), input.options.batchSize ?? DEFAULT_BATCH_SIZE)) {
    while (entriesAhead >= input.aheadEntries || batchesAhead >= input.aheadBatches) await new Promise<void>((r) => (resume = r));
    // Prepared while the importing thread is the busier one: the work moves off it. When it has had to
    // wait for this thread, the batch goes as it is and it does the work, so the two stay balanced.
    if (preparer && batch.entries.length > 0 && !consumerWaited) batch.prepared = preparer.prepare(batch.entries);
    entriesAhead += batch.entries.length;
    batchesAhead++;
    post({ kind: 'batch', batch: packBatch(batch) });
  }
  post({ kind: 'end' });
}

run().then(
  () => port.close(),
  (error: unknown) => {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    port.close();
  },
);
