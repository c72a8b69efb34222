import type { JournalEntry } from '../records/index.js';
import type { EventStore } from '../store/index.js';

interface Waiter {
  entry: JournalEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Makes recorded events durable before their calls are answered, cheaply: calls arriving while a
 * commit is running are appended together in the next one (one fsync for many calls).
 */
export class GroupCommitter {
  private queue: Waiter[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly maxBatch = 512,
  ) {}

  /** Resolves once `entry` is durable in the journal. */
  commit(entry: JournalEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when everything queued so far is committed (for shutdown). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the calls that are already in flight join this commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.events.append(batch.map((w) => w.entry));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.running = undefined;
  }
}
