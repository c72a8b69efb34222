/**
 * Runs Lake imports (StartImport) in the background: lists the trail archive under the source URI in
 * the bucket store, reads each log file with `cairn import`'s archive reader, and writes the events
 * into the destination stores' Parquet datasets (never into event history), in key order and in
 * batches. After each batch the import's document records the last key done, its statistics and the
 * failed files, so an import found IN_PROGRESS after a restart goes on where it stopped. A batch's
 * files are named by the import and batch number: a batch written again after a crash replaces itself.
 */
import type { Logger } from 'pino';
import type { BucketStore } from '../buckets/index.js';
import type { JobLeases } from '../coordination/index.js';
import { readObjectBody } from '../import/index.js';
import type { ImportDoc, ImportFailureDoc, ImportRunnerPort, LakeBackend } from '../services/index.js';
import { failureId } from '../services/index.js';
import type { LakeStateStore } from '../store/index.js';
import { selectArchiveKeys } from './import-plan.js';
import type { ArchiveKey } from './import-plan.js';

export interface ImportRunnerOptions {
  state: LakeStateStore;
  buckets: BucketStore;
  backend: Pick<LakeBackend, 'writeAuditEvents'>;
  leases: JobLeases;
  logger: Logger;
  /** How often ongoing imports not running here are looked for (restart, another node's lease lost). */
  pollMs: number;
  /** A batch ends after this many events or files, whichever comes first. */
  batchEvents?: number;
  batchFiles?: number;
}

const DEFAULT_BATCH_EVENTS = 50_000;
const DEFAULT_BATCH_FILES = 200;

/** Why an import ends early. */
class Halt extends Error {}

interface FileOutcome {
  key: string;
  records: Record<string, unknown>[];
  failure?: { errorType: string; errorMessage: string };
}

export class ImportRunner implements ImportRunnerPort {
  private readonly running = new Map<string, { stop: boolean; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: ImportRunnerOptions) {}

  bucketExists(bucket: string): Promise<boolean> {
    return this.o.buckets.bucketExists(bucket);
  }

  /** Resumes ongoing imports now and looks for more every `pollMs`. */
  startPolling(): void {
    void this.resumeOngoing();
    this.timer = setInterval(() => void this.resumeOngoing(), this.o.pollMs);
    this.timer.unref();
  }

  async resumeOngoing(): Promise<void> {
    if (this.closed) return;
    try {
      for (const doc of await this.o.state.list<ImportDoc>('import')) {
        if (doc.status === 'INITIALIZING' || doc.status === 'IN_PROGRESS') this.start(doc.id);
      }
    } catch (error) {
      this.o.logger.error({ err: error }, 'looking for ongoing imports failed');
    }
  }

  start(importId: string): void {
    if (this.closed || this.running.has(importId)) return;
    const entry = { stop: false, done: Promise.resolve() };
    this.running.set(importId, entry);
    entry.done = this.run(importId, entry)
      .catch((error: unknown) => this.o.logger.error({ err: error, importId }, 'import failed'))
      .finally(() => this.running.delete(importId));
  }

  stop(importId: string): void {
    const entry = this.running.get(importId);
    if (entry) entry.stop = true;
  }

  /** Stops every import after its current file; they resume on the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const entry of this.running.values()) entry.stop = true;
    await Promise.all([...this.running.values()].map((e) => e.done));
  }

  /** Resolves when no import runs here (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((e) => e.done));
  }

  private lease(importId: string): string {
    return `import:${importId}`;
  }

  private async run(importId: string, entry: { stop: boolean }): Promise<void> {
    if (!(await this.o.leases.hold(this.lease(importId)))) return;
    try {
      await this.runHeld(importId, entry);
    } catch (error) {
      if (!(error instanceof Halt)) throw error;
    } finally {
      await this.o.leases.release(this.lease(importId));
    }
  }

  private async runHeld(importId: string, entry: { stop: boolean }): Promise<void> {
    let doc = await this.o.state.get<ImportDoc>('import', importId);
    if (!doc || (doc.status !== 'INITIALIZING' && doc.status !== 'IN_PROGRESS')) return;
    let keys: string[];
    try {
      keys = await this.o.buckets.listKeys(doc.source.bucket, doc.source.prefix);
    } catch (error) {
      await this.save(importId, { status: 'FAILED', errorMessage: `The source ${doc.source.uri} could not be listed: ${message(error)}` });
      return;
    }
    const plan = selectArchiveKeys(keys, doc.source.prefix, doc.startEventTime, doc.endEventTime);
    doc = await this.save(importId, { status: 'IN_PROGRESS', statistics: { ...doc.statistics, prefixesFound: plan.prefixes.size, prefixesCompleted: completedPrefixes(plan.prefixes, doc.cursor) } });
    if (!doc) return;

    // A retry first reads the files that failed before.
    if (doc.retryFailures) {
      const failed = (await this.o.state.list<ImportFailureDoc>('importFailure', doc.accountId)).filter((f) => f.importId === importId && f.status !== 'SUCCEEDED');
      for (const f of failed) await this.o.state.put('importFailure', failureId(importId, f.key), doc.accountId, { ...f, status: 'RETRY', updatedAt: Date.now() });
      for (let i = 0; i < failed.length; ) {
        const { outcomes, next } = await this.readBatch(doc, failed.map((f) => f.key), i, entry);
        i = next;
        doc = await this.commit(doc, outcomes, { retried: true, prefixes: plan.prefixes });
      }
      doc = await this.save(importId, { retryFailures: false });
      if (!doc) return;
    }

    const cursor = doc.cursor;
    const todo = plan.files.map((f: ArchiveKey) => f.key).filter((k) => cursor === undefined || k > cursor);
    for (let i = 0; i < todo.length; ) {
      const { outcomes, next } = await this.readBatch(doc, todo, i, entry);
      i = next;
      doc = await this.commit(doc, outcomes, { retried: false, prefixes: plan.prefixes });
    }
    await this.save(importId, { status: 'COMPLETED' });
  }

  /** Reads files from `keys[from]` until the batch is full; stops early when asked to. */
  private async readBatch(doc: ImportDoc, keys: readonly string[], from: number, entry: { stop: boolean }): Promise<{ outcomes: FileOutcome[]; next: number }> {
    const maxEvents = this.o.batchEvents ?? DEFAULT_BATCH_EVENTS;
    const maxFiles = this.o.batchFiles ?? DEFAULT_BATCH_FILES;
    const outcomes: FileOutcome[] = [];
    let events = 0;
    let i = from;
    while (i < keys.length && outcomes.length < maxFiles && events < maxEvents) {
      await this.checkStillRunning(doc.id, entry);
      const outcome = await this.readFile(doc, keys[i]!);
      outcomes.push(outcome);
      events += outcome.records.length;
      i++;
    }
    return { outcomes, next: i };
  }

  private async checkStillRunning(importId: string, entry: { stop: boolean }): Promise<void> {
    if (entry.stop) throw new Halt();
    const current = await this.o.state.get<ImportDoc>('import', importId);
    if (!current || current.status !== 'IN_PROGRESS') throw new Halt();
    if (!(await this.o.leases.hold(this.lease(importId)))) throw new Halt();
  }

  private async readFile(doc: ImportDoc, key: string): Promise<FileOutcome> {
    let body: Buffer;
    try {
      const object = await this.o.buckets.getObject(doc.source.bucket, key);
      if (!object) return { key, records: [], failure: { errorType: 'NoSuchKey', errorMessage: 'The log file is gone from the bucket.' } };
      body = object.body;
    } catch (error) {
      return { key, records: [], failure: { errorType: errorCode(error, 'AccessDenied'), errorMessage: message(error) } };
    }
    const records: Record<string, unknown>[] = [];
    for await (const batch of readObjectBody(key, body)) {
      for (const e of batch.entries) {
        if (doc.startEventTime !== undefined && e.eventTime < doc.startEventTime) continue;
        if (doc.endEventTime !== undefined && e.eventTime > doc.endEventTime) continue;
        records.push(JSON.parse(e.raw) as Record<string, unknown>);
      }
      // A file that cannot be read to its end imports nothing (a retry then imports it whole).
      if (batch.done?.status === 'failed') return { key, records: [], failure: { errorType: 'ParsingError', errorMessage: batch.done.reason ?? 'The log file could not be read.' } };
    }
    return { key, records };
  }

  /** Writes a batch's events, then records its failures and progress in one document update. */
  private async commit(doc: ImportDoc, outcomes: readonly FileOutcome[], o: { retried: boolean; prefixes: ReadonlyMap<string, string> }): Promise<ImportDoc> {
    if (outcomes.length === 0) return doc;
    const records = outcomes.flatMap((x) => x.records);
    const tag = `${doc.createdAt}-import-${doc.id}-${doc.batches}`;
    if (records.length > 0) for (const storeId of doc.storeIds) await this.o.backend.writeAuditEvents(storeId, records, tag);
    const now = Date.now();
    let failedDelta = 0;
    for (const x of outcomes) {
      const id = failureId(doc.id, x.key);
      const location = `s3://${doc.source.bucket}/${x.key}`;
      if (x.failure) {
        if (!o.retried) failedDelta++;
        await this.o.state.put('importFailure', id, doc.accountId, { importId: doc.id, key: x.key, location, status: 'FAILED', ...x.failure, updatedAt: now } satisfies ImportFailureDoc);
      } else if (o.retried) {
        failedDelta--;
        const before = await this.o.state.get<ImportFailureDoc>('importFailure', id);
        if (before) await this.o.state.put('importFailure', id, doc.accountId, { ...before, status: 'SUCCEEDED', updatedAt: now });
      }
    }
    const s = doc.statistics;
    const lastKey = outcomes[outcomes.length - 1]!.key;
    const cursor = o.retried ? doc.cursor : lastKey;
    const statistics = {
      ...s,
      prefixesCompleted: completedPrefixes(o.prefixes, cursor),
      filesCompleted: s.filesCompleted + (o.retried ? 0 : outcomes.length),
      eventsCompleted: s.eventsCompleted + records.length,
      failedEntries: s.failedEntries + failedDelta,
    };
    const saved = await this.save(doc.id, { statistics, batches: doc.batches + 1, ...(cursor !== undefined ? { cursor } : {}) });
    if (!saved) throw new Halt();
    return saved;
  }

  /** Updates the document; a STOPPED one keeps that status (StopImport may land between read and write). */
  private async save(importId: string, patch: Partial<ImportDoc>): Promise<ImportDoc | undefined> {
    const current = await this.o.state.get<ImportDoc>('import', importId);
    if (!current) return undefined;
    const next: ImportDoc = { ...current, ...patch, updatedAt: Date.now() };
    if (current.status === 'STOPPED') next.status = 'STOPPED';
    if (patch.status !== 'FAILED') delete next.errorMessage;
    await this.o.state.put('import', importId, current.accountId, next);
    if (next.status === 'STOPPED' && patch.status !== undefined && patch.status !== 'STOPPED') throw new Halt();
    return next;
  }
}

/** Prefixes whose last file is at or before the cursor. */
function completedPrefixes(prefixes: ReadonlyMap<string, string>, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let n = 0;
  for (const last of prefixes.values()) if (last <= cursor) n++;
  return n;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : fallback;
}
