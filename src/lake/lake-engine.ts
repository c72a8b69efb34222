import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AwsError } from '../api/index.js';
import type { LakeBackend, LakeTableRef, QueryDoc, SampleQuery } from '../services/index.js';
import type { LakeStateStore } from '../store/index.js';
import { liveFilesIn } from './dataset.js';
import type { OpenedFiles } from './dataset-storage.js';
import type { ParquetWriter } from './parquet-writer.js';
import type { LakePaths } from './paths.js';
import { SandboxedQuery } from './query-engine.js';
import type { QueryOutput, SandboxTable } from './query-engine.js';
import { SAMPLE_QUERIES } from './sample-queries.js';
import { dayOf, toLakeRow } from './schema.js';
import { InvalidQueryError, translateQuery } from './sql-dialect.js';

export interface LakeEngineOptions {
  state: LakeStateStore;
  paths: LakePaths;
  writer: ParquetWriter;
  logger: Logger;
  /** A query running longer is interrupted and TIMED_OUT (AWS: about an hour). */
  queryTimeoutMs: number;
  /** DuckDB memory limit per query, e.g. '1GB'. */
  memoryLimit: string;
  /** DuckDB threads per query. */
  threads: number;
  /** Queries run at once in this process; more wait QUEUED. */
  maxRunning: number;
}

interface Pending {
  query: QueryDoc;
  sql: string;
  tables: (SandboxTable & { dataset: string })[];
  sandbox?: SandboxedQuery;
  cancelled: boolean;
  timedOut: boolean;
}

const MAX_ATTEMPTS = 3;
const FILE_GONE = /No files found|No such file|Cannot open file/;

function viewName(ref: LakeTableRef): string {
  return ref.kind === 'store' ? `store_${ref.storeId}` : `history_${ref.accountId}`;
}

/** Runs Lake queries (QUEUED → RUNNING → FINISHED | FAILED | TIMED_OUT, or CANCELLED) and writes audit events. */
export class LakeEngine implements LakeBackend {
  readonly samples: readonly SampleQuery[] = SAMPLE_QUERIES;
  private readonly pending = new Map<string, Pending>();
  private readonly queue: Pending[] = [];
  private runningCount = 0;
  private readonly runningBy = new Map<string, number>();
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: (() => void) | undefined;

  constructor(private readonly o: LakeEngineOptions) {}

  private translate(statement: string, tables: ReadonlyMap<string, LakeTableRef>): { sql: string; refs: LakeTableRef[] } {
    const views = new Map([...tables].map(([name, ref]) => [name, viewName(ref)]));
    try {
      const translated = translateQuery(statement, views);
      return { sql: translated.sql, refs: translated.tables.map((t) => tables.get(t)!) };
    } catch (error) {
      if (error instanceof InvalidQueryError) throw new AwsError('InvalidQueryStatementException', error.message);
      throw error;
    }
  }

  check(statement: string, tables: ReadonlyMap<string, LakeTableRef>): LakeTableRef[] {
    return this.translate(statement, tables).refs;
  }

  private dirOf(ref: LakeTableRef): string {
    return ref.kind === 'store' ? this.o.paths.store(ref.storeId) : this.o.paths.history(ref.accountId);
  }

  submit(query: QueryDoc, tables: ReadonlyMap<string, LakeTableRef>): void {
    const { sql, refs } = this.translate(query.statement, tables);
    const sandboxTables = refs.map((ref) => ({ view: viewName(ref), dataset: this.dirOf(ref), dir: this.dirOf(ref), files: [] as string[] }));
    const job: Pending = { query, sql, tables: sandboxTables, cancelled: false, timedOut: false };
    this.pending.set(query.id, job);
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.runningCount < this.o.maxRunning && this.queue.length > 0) {
      // Fair between accounts: the next query is of the account with the fewest running, and one
      // account never holds every slot, so another account's query always starts at once.
      const perAccount = Math.max(1, this.o.maxRunning - 1);
      let pick = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const running = this.runningBy.get(this.queue[i]!.query.accountId) ?? 0;
        if (running >= perAccount) continue;
        if (pick < 0 || running < (this.runningBy.get(this.queue[pick]!.query.accountId) ?? 0)) pick = i;
      }
      if (pick < 0) break;
      const job = this.queue.splice(pick, 1)[0]!;
      const account = job.query.accountId;
      this.runningBy.set(account, (this.runningBy.get(account) ?? 0) + 1);
      this.runningCount++;
      if (this.runningCount === 1) this.idle = new Promise((resolve) => (this.settleIdle = resolve));
      this.execute(job)
        .catch((error: unknown) => this.o.logger.error({ err: error, queryId: job.query.id }, 'lake query failed'))
        .finally(() => {
          this.runningCount--;
          this.runningBy.set(account, (this.runningBy.get(account) ?? 1) - 1);
          this.pending.delete(job.query.id);
          if (this.runningCount === 0 && this.queue.length === 0) this.settleIdle?.();
          this.pump();
        });
    }
  }

  /** Updates a query's document unless it was cancelled meanwhile. */
  private async update(id: string, patch: Partial<QueryDoc>): Promise<void> {
    const current = await this.o.state.get<QueryDoc>('query', id);
    if (!current || current.status === 'CANCELLED') return;
    await this.o.state.put('query', id, current.accountId, { ...current, ...patch });
  }

  private async execute(job: Pending): Promise<void> {
    if (job.cancelled) return;
    const started = Date.now();
    let bytesScanned = 0;
    await this.update(job.query.id, { status: 'RUNNING' });
    const timer = setTimeout(() => {
      job.timedOut = true;
      job.sandbox?.cancel();
    }, this.o.queryTimeoutMs);
    try {
      let output: QueryOutput | undefined;
      for (let attempt = 1; !output; attempt++) {
        // The file list is taken when the query starts: what was ingested by then is in it. Files
        // in S3 are fetched into the local cache and kept there until the query ends.
        const opened: OpenedFiles[] = [];
        try {
          bytesScanned = 0;
          for (const table of job.tables) {
            const live = await liveFilesIn(this.o.writer.storage, table.dataset);
            bytesScanned += live.reduce((sum, f) => sum + f.bytes, 0);
            const files = await this.o.writer.storage.open(table.dataset, live);
            opened.push(files);
            table.dir = files.dir;
            table.files = files.paths;
          }
          if (job.cancelled || job.timedOut) throw new Error('INTERRUPT: the query was cancelled');
          job.sandbox = new SandboxedQuery(job.sql, job.tables, { memoryLimit: this.o.memoryLimit, threads: this.o.threads });
          output = await job.sandbox.run();
        } catch (error) {
          // Compaction replaced a file between listing and opening: list again.
          if (attempt >= MAX_ATTEMPTS || job.cancelled || job.timedOut || !FILE_GONE.test(String(error))) throw error;
        } finally {
          for (const files of opened) files.release();
        }
      }
      await this.o.state.putResults(job.query.id, output.columns, output.rows);
      await this.update(job.query.id, {
        status: 'FINISHED',
        finishedAt: Date.now(),
        eventsMatched: output.rows.length,
        eventsScanned: output.eventsScanned,
        bytesScanned,
        executionTimeInMillis: Date.now() - started,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = job.timedOut ? 'TIMED_OUT' : job.cancelled ? 'CANCELLED' : 'FAILED';
      await this.update(job.query.id, {
        status,
        finishedAt: Date.now(),
        bytesScanned,
        executionTimeInMillis: Date.now() - started,
        ...(status === 'FAILED' ? { errorMessage: cleanError(message) } : status === 'TIMED_OUT' ? { errorMessage: `The query ran longer than ${this.o.queryTimeoutMs} ms.` } : {}),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  cancel(queryId: string): boolean {
    const job = this.pending.get(queryId);
    if (!job) return false;
    job.cancelled = true;
    job.sandbox?.cancel();
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.pending.delete(queryId);
    }
    return true;
  }

  active(accountId: string): number {
    let n = 0;
    for (const job of this.pending.values()) if (job.query.accountId === accountId) n++;
    return n;
  }

  /** Resolves when no query is queued or running (tests, shutdown). */
  async drain(): Promise<void> {
    for (const job of this.pending.values()) this.cancel(job.query.id);
    await this.idle;
  }

  deleteStoreData(storeId: string): Promise<void> {
    return this.o.writer.storage.removeDataset(this.o.paths.store(storeId));
  }

  async writeAuditEvents(storeId: string, records: readonly Record<string, unknown>[], fileTag?: string): Promise<void> {
    const byDay = new Map<string, object[]>();
    for (const record of records) {
      const time = Date.parse(String(record.eventTime));
      const day = dayOf(time);
      const rows = byDay.get(day) ?? [];
      rows.push(toLakeRow(record, time));
      byDay.set(day, rows);
    }
    for (const [day, rows] of byDay) await this.o.writer.writeDay(this.o.paths.store(storeId), day, `a${fileTag ?? `${Date.now()}-${randomUUID()}`}.parquet`, rows);
  }
}

/** DuckDB's messages name its own internals; keep the first line, without the sandbox's paths. */
function cleanError(message: string): string {
  return message.split('\n')[0]!.replace(/"[^"]*\/(stores|history)\/[^"]*"/g, '"<store>"');
}
