import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread copies committed WAL frames into the database file. */
const EVERY_MS = 250;
/**
 * The writer's own automatic checkpoint once the thread runs, in pages: a backstop that bounds the
 * WAL should the thread fall behind or stop.
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 65_536;
/** Events appended by this process before checkpoints move to their own thread. */
const HEAVY_WRITER_EVENTS = 10_000;

/**
 * Moves SQLite's WAL checkpoints off the writing thread once this process writes a lot. A checkpoint
 * copies every page committed since the last one into the database file and fsyncs it; done by the
 * writer (SQLite's default, every 1,000 pages), it stalls an import or the requests in flight for the
 * length of the copy: a quarter of an import's time. A worker thread with a connection of its own
 * runs PASSIVE checkpoints, which never block readers or writers. The thread costs about 10 MB, so a
 * process that writes little (a CLI command, a quiet server) keeps SQLite's default.
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private written = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  /** Counts appended events; starts the thread when this process turns out to be a heavy writer. */
  noteAppended(events: number): void {
    if (this.worker || this.closing) return;
    this.written += events;
    if (this.written < HEAVY_WRITER_EVENTS) return;
    this.worker = startWorker(this.file);
    this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  }

  /** Runs a last checkpoint and stops the thread (if it ever started). */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Unreferenced while idle so it never keeps a process alive; referenced while it finishes.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }
}

function startWorker(file: string): Worker {
  // An inline worker: it needs only better-sqlite3, resolved here so that it loads from source and build alike.
  const driver = JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'));
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(${driver});
    const db = new Database(workerData.file);
    db.pragma('busy_timeout = 1000');
    const timer = setInterval(() => {
      try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
    }, workerData.every);
    parentPort.on('message', () => {
      clearInterval(timer);
      try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
      db.close();
      parentPort.close();
    });`;
  const worker = new Worker(code, { eval: true, workerData: { file, every: EVERY_MS } });
  worker.unref();
  return worker;
}
