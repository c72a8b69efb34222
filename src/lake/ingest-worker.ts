import type { Logger } from 'pino';
import type { StoredEvent } from '../records/index.js';
import type { JobLeases } from '../coordination/index.js';
import type { EventDataStoreDoc } from '../services/index.js';
import type { EventStore, LakeStateStore } from '../store/index.js';
import { matchesAdvancedSelectors, toSelectable } from '../trails/index.js';
import { dropDaysBeforeIn } from './dataset.js';
import type { ParquetWriter } from './parquet-writer.js';
import type { LakePaths } from './paths.js';
import { dayOf, toLakeRow } from './schema.js';

export interface IngestOptions {
  events: EventStore;
  state: LakeStateStore;
  paths: LakePaths;
  writer: ParquetWriter;
  logger: Logger;
  /** How often the journal is followed: new events are queryable about this long after they are recorded. */
  intervalMs: number;
  batchEvents?: number;
  now?: () => number;
  /**
   * Several nodes on one store: only the node holding the `lake-ingest` lease ingests (checked
   * before every batch). Absent: this process ingests.
   */
  leases?: JobLeases;
}

const HISTORY = 'history';
/** A cursor set to 1 once any node used the Lake: from then on, whichever node holds the lease ingests. */
const IN_USE = 'lake-in-use';
export const INGEST_LEASE = 'lake-ingest';
const WAIT_STEP_MS = 200;
const DEFAULT_BATCH = 20_000;
const BATCHES_PER_PASS = 50;
const RETENTION_EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface Target {
  cursorName: string;
  cursor: number;
  /** The dataset directory an event goes to, or undefined when the target does not take it. */
  destination(event: StoredEvent): string | undefined;
}

function storeTakes(store: EventDataStoreDoc, event: StoredEvent): boolean {
  if (event.accountId !== store.accountId) return false;
  if (!store.multiRegionEnabled && event.region !== store.region) return false;
  return matchesAdvancedSelectors(store.advancedEventSelectors, toSelectable(event));
}

/**
 * Follows the journal by cursor (`EventStore.readAfter`) and writes each event data store's events,
 * and every account's whole event history (the `event_history` table), as Parquet files by day.
 * Files are written before the cursor is committed; a crash in between rewrites a file covering a
 * superset of the same range, which supersedes the first (see dataset.ts). Compaction only merges
 * files below the committed cursor. With `leases`, only the node holding `lake-ingest` ingests; the
 * timer runs on every node so the lease moves when its holder dies.
 */
export class LakeIngestWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastRetention = 0;
  private active = false;
  private checking = false;
  private readonly now: () => number;

  constructor(private readonly o: IngestOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running || this.checking) return;
      // Cheap until the Lake is used (here or on another node): no DuckDB is loaded, nothing is written.
      this.checking = true;
      this.inUse()
        // Not after stop(): the store may be closing.
        .then((used) => (used && !this.running && this.timer ? this.pass() : 0))
        .catch((error: unknown) => this.o.logger.error({ err: error }, 'lake ingestion failed'))
        .finally(() => (this.checking = false));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Whether the Lake was used in this store before: an event data store exists, or history was ingested. */
  async inUse(): Promise<boolean> {
    if (this.active) return true;
    const used = (await this.o.state.cursor(IN_USE)) > 0 || (await this.o.state.cursor(HISTORY)) > 0 || (await this.o.state.list('eventDataStore')).length > 0;
    this.active = used;
    return used;
  }

  /** Records (in the store, for every node) that the Lake is in use, so the lease holder ingests. */
  async markInUse(): Promise<void> {
    if ((await this.o.state.cursor(IN_USE)) === 0) await this.o.state.setCursor(IN_USE, 1);
    this.active = true;
  }

  /** Whether this node may ingest now (it holds the lease, or there are no leases). */
  private async leased(): Promise<boolean> {
    return !this.o.leases || (await this.o.leases.hold(INGEST_LEASE));
  }

  /**
   * Until the journal as it is now is ingested, or `maxWaitMs` has passed: the lease holder runs
   * passes; another node waits for the holder's cursors (in the shared store) to get there.
   */
  async catchUp(maxWaitMs: number): Promise<void> {
    const deadline = this.now() + maxWaitMs;
    const target = await this.o.events.lastSeq();
    while (this.now() < deadline) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (await this.leased()) {
        if ((await this.pass()) === 0) return;
      } else {
        if (await this.cursorsReach(target)) return;
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      }
    }
  }

  /** Whether event history and every enabled store are ingested up to `seq`. */
  private async cursorsReach(seq: number): Promise<boolean> {
    if ((await this.o.state.cursor(HISTORY)) < seq) return false;
    for (const store of await this.o.state.list<EventDataStoreDoc>('eventDataStore')) {
      if (store.status !== 'ENABLED' || store.audit) continue;
      if (Math.max(await this.o.state.cursor(`store:${store.id}`), store.startSeq) < seq) return false;
    }
    return true;
  }

  /** One pass, logged on failure; passes never overlap. */
  private pass(): Promise<number> {
    const run = this.runOnce().catch((error: unknown) => {
      this.o.logger.error({ err: error }, 'lake ingestion failed');
      return 0;
    });
    this.running = run.then(() => undefined).finally(() => (this.running = undefined));
    return run;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: ingests what the journal holds beyond the cursors; returns how many events were read. */
  async runOnce(): Promise<number> {
    if (!(await this.leased())) return 0;
    const stores = (await this.o.state.list<EventDataStoreDoc>('eventDataStore')).filter((s) => s.status === 'ENABLED' && !s.audit);
    const targets: Target[] = [
      { cursorName: HISTORY, cursor: await this.o.state.cursor(HISTORY), destination: (e) => this.o.paths.history(e.accountId) },
    ];
    for (const store of stores) {
      const name = `store:${store.id}`;
      const dir = this.o.paths.store(store.id);
      targets.push({ cursorName: name, cursor: Math.max(await this.o.state.cursor(name), store.startSeq), destination: (e) => (storeTakes(store, e) ? dir : undefined) });
    }
    const batch = this.o.batchEvents ?? DEFAULT_BATCH;
    let read = 0;
    const touched = new Map<string, Set<string>>();
    for (let pass = 0; pass < BATCHES_PER_PASS; pass++) {
      // Checked before every batch: a node that lost the lease stops at once; the new holder resumes from the cursors.
      if (pass > 0 && !(await this.leased())) break;
      const from = Math.min(...targets.map((t) => t.cursor));
      const events = await this.o.events.readAfter(from, batch);
      if (events.length === 0) break;
      read += events.length;
      const last = events.at(-1)!.seq;
      const rows = new Map<number, object>();
      const rowOf = (e: StoredEvent): object => {
        let row = rows.get(e.seq);
        if (!row) {
          let record: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(e.raw);
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
          } catch {
            // A record that is not JSON keeps the journal's indexed fields only.
            record = { eventID: e.eventId, eventName: e.eventName, eventSource: e.eventSource, awsRegion: e.region, recipientAccountId: e.accountId };
          }
          row = toLakeRow(record, e.eventTime);
          rows.set(e.seq, row);
        }
        return row;
      };
      for (const target of targets) {
        if (target.cursor >= last) continue;
        const groups = new Map<string, { dir: string; day: string; rows: object[] }>();
        for (const event of events) {
          if (event.seq <= target.cursor) continue;
          const dir = target.destination(event);
          if (dir === undefined) continue;
          const day = dayOf(event.eventTime);
          const key = `${dir}\n${day}`;
          let group = groups.get(key);
          if (!group) groups.set(key, (group = { dir, day, rows: [] }));
          group.rows.push(rowOf(event));
        }
        const range = { from: target.cursor + 1, to: last };
        for (const group of groups.values()) {
          await this.o.writer.writeJournalRange(group.dir, group.day, range, group.rows);
          let days = touched.get(group.dir);
          if (!days) touched.set(group.dir, (days = new Set()));
          days.add(group.day);
        }
        await this.o.state.setCursor(target.cursorName, last);
        target.cursor = last;
      }
      if (events.length < batch) break;
    }
    for (const [dir, days] of touched) {
      for (const day of days) await this.o.writer.compactDay(dir, day);
    }
    if (this.now() - this.lastRetention >= RETENTION_EVERY_MS) {
      this.lastRetention = this.now();
      for (const store of await this.o.state.list<EventDataStoreDoc>('eventDataStore')) {
        await dropDaysBeforeIn(this.o.writer.storage, this.o.paths.store(store.id), dayOf(this.now() - store.retentionPeriod * DAY_MS));
      }
    }
    return read;
  }

  /** Merges every day's small files now (benchmarks, tests, shutdown). */
  async compactAll(dirs: readonly string[]): Promise<void> {
    for (const dir of dirs) {
      const days = new Set((await this.o.writer.storage.list(dir)).map((f) => f.day));
      for (const day of [...days].sort()) await this.o.writer.compactDay(dir, day, true);
    }
  }
}
