/**
 * The thread `cairn import` runs on (started by `import.ts`): runs the import and reports its
 * progress and outcome to the command's own thread, which draws the progress bar and prints.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportThreadInput, FromImportThread } from './import.js';
import { runImport } from './import-run.js';

const port = parentPort;
if (!port) throw new Error('import-worker runs as a worker thread');
const input = workerData as ImportThreadInput;
const post = (message: FromImportThread): void => port.postMessage(message);

runImport(input.paths, input.flags, (progress) => post({ kind: 'progress', progress })).then(
  (summary) => post({ kind: 'done', summary }),
  (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
