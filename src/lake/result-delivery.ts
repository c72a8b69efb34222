/**
 * Delivers Lake query results to a bucket (StartQuery's DeliveryS3Uri): once a query with a PENDING
 * delivery has FINISHED, its stored results are written as gzip CSV files, where AWS puts them:
 * `[prefix/]AWSLogs/<account>/CloudTrail-Lake/Query/<yyyy>/<mm>/<dd>/<queryId>/result_<n>.csv.gz`
 * (the day the query finished, UTC), and DeliveryStatus becomes SUCCESS, or says why not.
 * A query that ends otherwise delivers nothing (FAILED; CANCELLED for a cancelled one).
 * Writing is idempotent (same keys), so a delivery repeated after a crash only rewrites the files.
 */
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { BucketStore } from '../buckets/index.js';
import type { QueryDoc } from '../services/index.js';
import type { LakeStateStore } from '../store/index.js';

export interface ResultDeliveryOptions {
  state: LakeStateStore;
  buckets: BucketStore;
  logger: Logger;
  pollMs: number;
  /** Rows per result file (AWS splits large results into several files). */
  rowsPerFile?: number;
}

const DEFAULT_ROWS_PER_FILE = 1_000_000;
const PAGE = 10_000;

export function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Where a query's result files go: the URI's bucket, and the key prefix under it. */
export function resultLocation(query: Pick<QueryDoc, 'id' | 'accountId' | 'deliveryS3Uri' | 'finishedAt'>): { bucket: string; prefix: string } {
  const rest = (query.deliveryS3Uri ?? '').slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const userPrefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  const day = new Date(query.finishedAt ?? Date.now()).toISOString().slice(0, 10).replaceAll('-', '/');
  return { bucket, prefix: `${userPrefix ? `${userPrefix}/` : ''}AWSLogs/${query.accountId}/CloudTrail-Lake/Query/${day}/${query.id}/` };
}

export class ResultDelivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: ResultDeliveryOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): Promise<void> {
    this.running ??= this.deliverPending()
      .catch((error: unknown) => this.o.logger.error({ err: error }, 'query result delivery failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Delivers every finished query whose delivery is pending; settles those that ended otherwise. */
  async deliverPending(): Promise<void> {
    for (const q of await this.o.state.list<QueryDoc>('query')) {
      if (q.deliveryStatus !== 'PENDING' || q.status === 'QUEUED' || q.status === 'RUNNING') continue;
      if (q.status !== 'FINISHED') await this.settle(q.id, q.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED');
      else await this.settle(q.id, await this.deliver(q));
    }
  }

  private async deliver(q: QueryDoc): Promise<string> {
    const { bucket, prefix } = resultLocation(q);
    const perFile = this.o.rowsPerFile ?? DEFAULT_ROWS_PER_FILE;
    try {
      if (!(await this.o.buckets.bucketExists(bucket))) return 'RESOURCE_NOT_FOUND';
      let offset = 0;
      let n = 1;
      for (;;) {
        const lines: string[] = [];
        let columns: string[] = [];
        while (lines.length < perFile) {
          const page = await this.o.state.readResults(q.id, offset, Math.min(PAGE, perFile - lines.length));
          if (!page) break;
          columns = page.columns;
          for (const row of page.rows) lines.push(row.map(csvCell).join(','));
          offset += page.rows.length;
          if (page.rows.length === 0 || offset >= page.total) break;
        }
        // The first file always exists (a header alone for no rows); later ones only with rows.
        if (n === 1 || lines.length > 0) {
          const text = [columns.map(csvCell).join(','), ...lines].join('\n') + '\n';
          await this.o.buckets.putObject(bucket, `${prefix}result_${n}.csv.gz`, gzipSync(text), { contentType: 'text/csv', contentEncoding: 'gzip' });
        }
        if (lines.length < perFile) return 'SUCCESS';
        n++;
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.o.logger.warn({ err: error, queryId: q.id }, 'query results not delivered');
      return code === 'NoSuchBucket' ? 'RESOURCE_NOT_FOUND' : code === 'AccessDenied' ? 'ACCESS_DENIED' : 'FAILED';
    }
  }

  private async settle(queryId: string, status: string): Promise<void> {
    const current = await this.o.state.get<QueryDoc>('query', queryId);
    if (!current) return;
    await this.o.state.put('query', queryId, current.accountId, { ...current, deliveryStatus: status });
  }
}
