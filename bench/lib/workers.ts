/**
 * Worker threads that run TypeScript modules. Node does not hand `--import tsx`'s loader hooks to
 * worker threads, so workers start from bench/ts-worker.mjs, which registers tsx and then imports the
 * module; the module finds its job in `workerData` (with `entry` set to its own URL).
 */
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('../ts-worker.mjs', import.meta.url);

export function startTsWorker<T extends object>(entry: string | URL, data: T): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, entry: String(entry) } });
}
