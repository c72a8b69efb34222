import { closeSync, fdatasync as fdatasyncCallback, openSync } from 'node:fs';
import { promisify } from 'node:util';

const datasync = promisify(fdatasyncCallback);

/**
 * Makes committed WAL frames durable off the event loop. Appends commit with synchronous=NORMAL
 * (SQLite writes the frames but does not fsync), then wait here for an fdatasync of the WAL file on
 * libuv's thread pool: the same guarantee as synchronous=FULL, without blocking other requests for
 * the length of a disk flush. Concurrent waiters share one flush; a waiter arriving while a flush
 * runs gets the next one, since the running one may have started before its commit.
 */
export class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly walFile: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(
      () => {
        this.queued = undefined;
        return this.sync();
      },
      () => {
        this.queued = undefined;
        return this.sync();
      },
    );
    return this.queued;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private async flush(): Promise<void> {
    this.fd ??= openSync(this.walFile, 'r');
    await datasync(this.fd);
  }
}
