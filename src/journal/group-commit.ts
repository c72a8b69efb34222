import type { JournalEntry } from '../records/index.js';

interface Waiter {
  entry: JournalEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Makes recorded events durable before their calls are answered, cheaply: the calls that arrive in
 * one turn of the event loop are appended together. Appends are not serialised behind each other's
 * disk flush: the store commits a batch at once and shares flushes between the batches waiting for
 * one, so throughput is not capped at one batch per flush.
 */
export class GroupCommitter {
  private queue: Waiter[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly events: { append(entries: readonly JournalEntry[]): Promise<unknown> },
    private readonly maxBatch = 512,
  ) {}

  /** Resolves once `entry` is durable in the journal. */
  commit(entry: JournalEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let the calls that are already in flight join this batch.
        setImmediate(() => this.drain());
      }
    });
  }

  /** Resolves when everything queued so far is committed (for shutdown). */
  async flush(): Promise<void> {
    while (this.scheduled || this.inFlight.size > 0) {
      if (this.scheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      else await Promise.allSettled([...this.inFlight]);
    }
  }

  private drain(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const done: Promise<void> = this.events.append(batch.map((w) => w.entry)).then(
        () => {
          for (const w of batch) w.resolve();
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      );
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
    }
  }
}
