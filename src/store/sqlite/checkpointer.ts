import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread copies committed WAL frames into the database file. */
const EVERY_MS = 250;
/**
 * The writer's own automatic checkpoint, in pages: a backstop that bounds the WAL should the
 * checkpoint thread fall behind or stop.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 65_536;

/**
 * Runs SQLite's WAL checkpoints on a worker thread with a connection of its own. A checkpoint copies
 * every page committed since the last one into the database file and fsyncs it: done by the writer,
 * that stalls imports and requests for the length of the copy. PASSIVE checkpoints never block
 * readers or writers, so this thread can do it beside them.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private closing: Promise<void> | undefined;

  constructor(file: string) {
    // An inline worker: it needs only better-sqlite3, resolved here so that it loads from source and build alike.
    const driver = JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'));
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(${driver});
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 1000');
      let timer = setInterval(() => {
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
      }, workerData.every);
      parentPort.on('message', () => {
        clearInterval(timer);
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
        db.close();
        parentPort.close();
      });`;
    this.worker = new Worker(code, { eval: true, workerData: { file, every: EVERY_MS } });
    this.worker.unref();
  }

  /** Runs a last checkpoint and stops the thread. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Unreferenced while idle so it never keeps a process alive; referenced while it finishes.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}
