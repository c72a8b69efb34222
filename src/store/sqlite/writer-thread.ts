import { Worker } from 'node:worker_threads';
import type { JournalEntry } from '../../records/index.js';
import type { AppendResult, EventStore } from '../types.js';

/** Events a process appends on its event loop before its writes move to a thread (which costs ~15 MB). */
const BUSY_WRITER_EVENTS = 1_000;
/** A compaction round that merged this many events on the event loop found a backlog (an import's): the rest goes to the thread. */
const BACKLOG_ROUND_EVENTS = 256;

export type WriteRequest =
  | { id: number; op: 'append'; entries: readonly JournalEntry[] }
  | { id: number; op: 'compact' }
  | { id: number; op: 'purge'; cutoff: number; maxEvents: number };

export type WriteReply = { id: number; result: unknown } | { id: number; error: string };

/** The writes a server makes to its event store: its intake log's moves and its upkeep. */
export type ServerWrites = Pick<EventStore, 'append' | 'compact' | 'purgeReceivedBefore'>;

/** A request without its id, as callers make it. */
type Write = WithoutId<WriteRequest>;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * Writes to the SQLite store on a thread of its own, with its own connection: a server's moves of
 * recorded calls into the store, compaction and retention. On the event loop, a move of 130–200
 * calls held every request in flight for 3–6 ms every 100 ms (20 ms when the id index spilled), and a
 * compaction round of an import's backlog for 60–90 ms. The server's lookups read on their own
 * connection, one snapshot per read (ChunkJournal.beganRead follows the rewrites logged here).
 */
export class WriterThread implements ServerWrites {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private closing: Promise<void> | undefined;

  constructor(private readonly dataDir: string) {}

  /** Resolves once the entries are committed and on disk (as `SqliteEventStore.append`). */
  append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    return this.send({ op: 'append', entries }) as Promise<AppendResult>;
  }

  compact(): Promise<number> {
    return this.send({ op: 'compact' }) as Promise<number>;
  }

  purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number> {
    return this.send({ op: 'purge', cutoff, maxEvents }) as Promise<number>;
  }

  /** Finishes the writes sent, closes the thread's connection and stops it. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private send(write: Write): Promise<unknown> {
    if (this.closing) return Promise.reject(new Error('the writer thread is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: WriteRequest = { ...write, id };
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    const [source, options] = workerSource();
    const worker = new Worker(source, { ...options, workerData: { dataDir: this.dataDir } });
    worker.on('message', (message: WriteReply) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    // A thread that dies fails what it held (the intake log keeps those entries and tries again);
    // the next write starts a new one.
    const failAll = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the writer thread exited (code ${code})`)));
    return worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    await exited;
  }
}

/**
 * A server's writes: on the event loop while the process writes little, then on a WriterThread once
 * it has appended BUSY_WRITER_EVENTS or met a compaction backlog. A quiet server (or a gateway
 * streaming a few large objects) keeps its memory; a busy one keeps its event loop free. Callers
 * send one write at a time (the log awaits each append, upkeep each round), so the switch never
 * reorders them.
 */
export class BusyWriter implements ServerWrites {
  private appended = 0;
  private thread: WriterThread | undefined;

  constructor(
    private readonly local: ServerWrites,
    private readonly dataDir: string,
  ) {}

  append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    if (this.thread) return this.thread.append(entries);
    this.appended += entries.length;
    if (this.appended >= BUSY_WRITER_EVENTS) this.startThread();
    return this.local.append(entries);
  }

  async compact(): Promise<number> {
    if (this.thread) return this.thread.compact();
    const merged = await this.local.compact();
    if (merged >= BACKLOG_ROUND_EVENTS) this.startThread();
    return merged;
  }

  purgeReceivedBefore(cutoff: number, maxEvents: number): Promise<number> {
    return (this.thread ?? this.local).purgeReceivedBefore(cutoff, maxEvents);
  }

  /** Stops the thread, if it ever started. */
  close(): Promise<void> {
    return this.thread?.close() ?? Promise.resolve();
  }

  private startThread(): void {
    this.thread = new WriterThread(this.dataDir);
  }
}

/**
 * The worker's entry: the built file, or when running from source (tests through tsx), the .ts file
 * behind tsx's loader, which a worker does not inherit.
 */
function workerSource(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./writer-worker.js', import.meta.url), {}];
  const entry = new URL('./writer-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return [`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true }];
}
