import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { BucketStore } from '../buckets/index.js';
import type { JobLeases } from '../coordination/index.js';
import { BucketError } from '../buckets/index.js';
import type { StoredEvent } from '../records/index.js';
import type { EventStore, StoredTrail, TrailStore } from '../store/index.js';
import type { DeliveryState, PlannedBatch, TrailStatus } from '../trails/index.js';
import { buildDigest, buildLogFiles, currentSigningKey, digestKey, trailLogs } from '../trails/index.js';
import type { Notifier } from './notifier.js';
import { deliveryMessage, NotificationError } from './notifier.js';

export interface DeliveryOptions {
  trails: TrailStore;
  events: EventStore;
  buckets: BucketStore;
  logger: Logger;
  /** How often each logging trail writes its log files (AWS: about 5 minutes). */
  deliveryIntervalMs: number;
  /** The digest period (AWS: one hour). */
  digestIntervalMs: number;
  /** Journal events read per batch; one batch becomes at most one file per region (more above the size cap). */
  batchEvents?: number;
  maxFileBytes?: number;
  /** Sends a notification per delivery for trails with an SNS topic; absent: such trails show an error. */
  notifier?: Notifier;
  now?: () => number;
  /**
   * Several nodes on one store: a trail is delivered (and its digests signed) only by the node
   * holding its lease (`trail:<id>`). Absent: this process delivers every trail.
   */
  leases?: JobLeases;
}

const DEFAULT_BATCH = 5_000;
const MAX_BACKOFF_MS = 60_000;
const SECOND = 1000;

const floorSecond = (ms: number): number => Math.floor(ms / SECOND) * SECOND;
/** The lease of one trail's delivery and digests. */
const leaseName = (trailId: number): string => `trail:${trailId}`;

/**
 * Follows the journal for every trail and writes its log files and digests. Exactly once per trail:
 * a batch is planned (journal range and delivery time) and the plan committed before any object is
 * written, so a crash or failure redoes the same objects under the same keys; the cursor moves only
 * after every object of the batch is written.
 */
export class DeliveryWorker {
  private readonly lastRun = new Map<number, number>();
  private readonly backoff = new Map<number, { failures: number; until: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  /** Journal reads of the current pass: trails following the journal head share each batch. */
  private readonly reads = new Map<number, StoredEvent[]>();

  constructor(private readonly o: DeliveryOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    const tick = Math.max(100, Math.min(SECOND, this.o.deliveryIntervalMs, this.o.digestIntervalMs));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.o.logger.error({ err: error }, 'trail delivery failed'))
        .finally(() => (this.running = undefined));
    }, tick);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every trail: whatever is due is delivered. */
  async runOnce(o: { force?: boolean } = {}): Promise<void> {
    const now = this.now();
    this.reads.clear();
    for (const trail of await this.o.trails.listDeleted()) {
      if (!this.mayRun(trail.id, now) || !(await this.leased(trail.id))) continue;
      await this.guard(trail, now, async () => {
        await this.process(trail, now, true);
        await this.o.trails.purge(trail.id);
        await this.o.leases?.release(leaseName(trail.id));
      });
    }
    // Round robin, one batch per trail per round: trails following the journal together share
    // each read, and a trail with a large backlog does not hold the others back.
    let round = (await this.o.trails.list()).filter((t) => this.mayRun(t.id, now));
    let continuing = false;
    while (round.length > 0) {
      const behind = new Set<number>();
      for (const trail of round) {
        // Checked before every step: a node that lost the lease stops at once, the new holder resumes from the store.
        if (!(await this.leased(trail.id))) continue;
        if (await this.guard(trail, now, () => this.process(trail, now, (o.force ?? false) || continuing))) behind.add(trail.id);
      }
      // Fresh rows for the next round: a StopLogging meanwhile must bound what is delivered.
      round = behind.size > 0 ? (await this.o.trails.list()).filter((t) => behind.has(t.id)) : [];
      continuing = true;
    }
  }

  private async leased(id: number): Promise<boolean> {
    return !this.o.leases || (await this.o.leases.hold(leaseName(id)));
  }

  private mayRun(id: number, now: number): boolean {
    const wait = this.backoff.get(id);
    return !wait || wait.until <= now;
  }

  /** Runs one trail's work; a failure backs that trail off and resolves false. */
  private async guard(trail: StoredTrail, now: number, run: () => Promise<boolean | void>): Promise<boolean> {
    try {
      const more = await run();
      this.backoff.delete(trail.id);
      return more === true;
    } catch (error) {
      const failures = (this.backoff.get(trail.id)?.failures ?? 0) + 1;
      // Exponential backoff from one second, capped: the backlog waits in the journal, nothing is lost.
      this.backoff.set(trail.id, { failures, until: now + Math.min(MAX_BACKOFF_MS, SECOND * 2 ** (failures - 1)) });
      const code = error instanceof BucketError ? error.code : undefined;
      if (code) this.o.logger.warn({ trail: trail.config.arn, code, failures }, 'trail delivery failed; will retry');
      else this.o.logger.error({ trail: trail.config.arn, err: error, failures }, 'trail delivery failed; will retry');
      return false;
    }
  }

  /** One step for one trail; resolves true when it has more to deliver right away. */
  private async process(trail: StoredTrail, now: number, force: boolean): Promise<boolean> {
    const status = trail.status;
    const logging = status.isLogging && trail.deletedAt === undefined;
    let state: DeliveryState = (await this.o.trails.getDelivery(trail.id)) ?? { session: 0, cursor: 0, digestRegions: {}, active: false };

    if (state.active && state.session !== status.session) {
      // A stop and a start between two passes: the old session ends where the new one begins.
      state = await this.endSession(trail, state, status.startSeq ?? (await this.o.events.lastSeq()), status.startLoggingTime ?? now, now);
    }
    if (!state.active && state.session !== status.session && status.startSeq !== undefined) {
      // Begin the session the status names, even one already stopped before this pass saw it.
      state = { session: status.session, cursor: status.startSeq, digestRegions: {}, active: true };
      if (trail.config.logFileValidationEnabled) state.digestStart = floorSecond(status.startLoggingTime ?? now);
      await this.o.trails.putDelivery(trail.id, state);
    }
    if (!state.active) return false;
    if (!logging) {
      // StopLogging or DeleteTrail: deliver the rest of the session and close it with a final digest.
      await this.endSession(trail, state, status.stopSeq ?? (await this.o.events.lastSeq()), status.stopLoggingTime ?? trail.deletedAt ?? now, now);
      return false;
    }
    state = await this.digests(trail, state, now);
    const last = this.lastRun.get(trail.id);
    if (!(force || state.pending || last === undefined || now - last >= this.o.deliveryIntervalMs)) return false;
    this.lastRun.set(trail.id, now);
    const bound = await this.o.events.lastSeq();
    state = await this.deliverUpTo(trail, state, bound, now, 1);
    return state.cursor < bound;
  }

  private async endSession(trail: StoredTrail, initial: DeliveryState, bound: number, stoppedAt: number, now: number): Promise<DeliveryState> {
    let state = await this.deliverUpTo(trail, initial, bound, now);
    state = await this.finalDigest(trail, state, stoppedAt, now);
    state = { ...state, active: false };
    await this.o.trails.putDelivery(trail.id, state);
    return state;
  }

  /** Delivers every event the trail logs with seq ≤ bound, batch by batch. */
  private async deliverUpTo(trail: StoredTrail, initial: DeliveryState, bound: number, now: number, maxBatches = Infinity): Promise<DeliveryState> {
    let state = initial;
    if (state.pending) state = await this.writeBatch(trail, state, state.pending, now);
    const limit = this.o.batchEvents ?? DEFAULT_BATCH;
    for (let batches = 0; state.cursor < bound && batches < maxBatches; batches++) {
      const events = (await this.readAfter(state.cursor, limit)).filter((e) => e.seq <= bound);
      if (events.length === 0) {
        // Nothing left below the bound (retention may have purged it): move on.
        state = { ...state, cursor: bound };
        await this.o.trails.putDelivery(trail.id, state);
        break;
      }
      const untilSeq = events.at(-1)!.seq;
      if (!events.some((e) => trailLogs(trail.config, e))) {
        state = { ...state, cursor: untilSeq };
        await this.o.trails.putDelivery(trail.id, state);
        continue;
      }
      const plan: PlannedBatch = { afterSeq: state.cursor, untilSeq, deliveryTime: now };
      state = { ...state, pending: plan };
      await this.o.trails.putDelivery(trail.id, state);
      state = await this.writeBatch(trail, state, plan, now, events);
    }
    return state;
  }

  /**
   * A cached read may miss events appended since, which only shortens a batch; an empty read is
   * never cached, because an empty answer moves the cursor to the bound.
   */
  private async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const cached = this.reads.get(afterSeq);
    if (cached) return cached;
    const read = await this.o.events.readAfter(afterSeq, limit);
    if (read.length > 0) {
      // A handful of batches at most: enough for trails a batch or two apart, bounded in memory.
      if (this.reads.size >= 4) this.reads.delete(this.reads.keys().next().value!);
      this.reads.set(afterSeq, read);
    }
    return read;
  }

  private async readPlanned(plan: PlannedBatch): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let after = plan.afterSeq;
    for (;;) {
      const events = await this.o.events.readAfter(after, this.o.batchEvents ?? DEFAULT_BATCH);
      for (const e of events) if (e.seq <= plan.untilSeq) out.push(e);
      if (events.length === 0 || events.at(-1)!.seq >= plan.untilSeq) return out;
      after = events.at(-1)!.seq;
    }
  }

  /**
   * Writes a planned batch's objects (the same keys on every attempt), then commits the cursor.
   * `read` is the plan's journal range when the caller has it already; a redo reads it again.
   */
  private async writeBatch(trail: StoredTrail, state: DeliveryState, plan: PlannedBatch, now: number, read?: StoredEvent[]): Promise<DeliveryState> {
    const config = trail.config;
    const events = (read ?? (await this.readPlanned(plan))).filter((e) => trailLogs(config, e));
    const files = buildLogFiles(events, {
      trailArn: config.arn,
      accountId: config.accountId,
      prefix: config.s3KeyPrefix,
      afterSeq: plan.afterSeq,
      deliveryTime: plan.deliveryTime,
      maxBytes: this.o.maxFileBytes,
    });
    try {
      for (const file of files) {
        // Log files are encrypted with the trail's KMS key; digests never are, as in AWS.
        await this.o.buckets.putObject(config.s3BucketName, file.key, gzipSync(file.body), {
          contentType: 'application/json',
          contentEncoding: 'gzip',
          acl: 'bucket-owner-full-control',
          ...(config.kmsKeyId ? { kmsKeyId: config.kmsKeyId } : {}),
        });
      }
    } catch (error) {
      await this.o.trails.patchStatus(trail.id, {
        latestDeliveryAttemptTime: now,
        latestDeliveryError: error instanceof BucketError ? error.code : 'InternalFailure',
      });
      throw error;
    }
    const digestRegions = { ...state.digestRegions };
    if (state.digestStart !== undefined) {
      for (const file of files) {
        const chain = digestRegions[file.region] ?? { logFiles: [] };
        digestRegions[file.region] = {
          ...chain,
          logFiles: [
            ...chain.logFiles,
            { s3Bucket: config.s3BucketName, s3Object: file.key, hashValue: file.hash, newestEventTime: file.newestEventTime, oldestEventTime: file.oldestEventTime },
          ],
        };
      }
    }
    const next: DeliveryState = { ...state, cursor: plan.untilSeq, digestRegions };
    delete next.pending;
    const patch: Partial<TrailStatus> = { latestDeliveryAttemptTime: now, latestDeliveryError: undefined };
    if (files.length > 0) Object.assign(patch, { latestDeliveryTime: now, latestDeliveryAttemptSucceeded: now });
    await this.o.trails.putDelivery(trail.id, next, patch);
    if (files.length > 0 && config.snsTopicArn) await this.notify(trail, files.map((f) => f.key), now);
    return next;
  }

  /** One notification per delivery; a failure shows in the status and never holds delivery back. */
  private async notify(trail: StoredTrail, keys: string[], now: number): Promise<void> {
    const topic = trail.config.snsTopicArn!;
    try {
      if (!this.o.notifier) throw new NotificationError('NotificationEndpointNotConfigured', 'cairn serve has no --sns-endpoint or --notify-webhook');
      await this.o.notifier.notify(topic, deliveryMessage(trail.config.s3BucketName, keys));
      await this.o.trails.patchStatus(trail.id, {
        latestNotificationTime: now,
        latestNotificationAttemptTime: now,
        latestNotificationAttemptSucceeded: now,
        latestNotificationError: undefined,
      });
    } catch (error) {
      const code = error instanceof NotificationError ? error.code : 'InternalFailure';
      this.o.logger.warn({ trail: trail.config.arn, topic, code }, 'delivery notification failed');
      await this.o.trails.patchStatus(trail.id, { latestNotificationAttemptTime: now, latestNotificationError: code });
    }
  }

  /** Periodic digests while validation is on: the first period starts now, each later one where the last ended. */
  private async digests(trail: StoredTrail, initial: DeliveryState, now: number): Promise<DeliveryState> {
    let state = initial;
    if (!trail.config.logFileValidationEnabled) {
      if (state.digestStart === undefined) return state;
      state = { ...state, digestRegions: {} };
      delete state.digestStart;
      delete state.pendingDigestEnd;
      await this.o.trails.putDelivery(trail.id, state);
      return state;
    }
    if (state.digestStart === undefined) {
      state = { ...state, digestStart: floorSecond(now), digestRegions: {} };
      await this.o.trails.putDelivery(trail.id, state);
      return state;
    }
    if (state.pendingDigestEnd === undefined) {
      const periods = Math.floor((now - state.digestStart) / this.o.digestIntervalMs);
      if (periods < 1) return state;
      state = { ...state, pendingDigestEnd: state.digestStart + periods * this.o.digestIntervalMs };
      await this.o.trails.putDelivery(trail.id, state);
    }
    return this.writeDigests(trail, state, state.pendingDigestEnd!, now);
  }

  private async finalDigest(trail: StoredTrail, state: DeliveryState, stoppedAt: number, now: number): Promise<DeliveryState> {
    if (state.digestStart === undefined || !trail.config.logFileValidationEnabled) return state;
    let next = state;
    if (next.pendingDigestEnd === undefined) {
      const end = Math.max(floorSecond(stoppedAt), next.digestStart! + SECOND);
      next = { ...next, pendingDigestEnd: end };
      await this.o.trails.putDelivery(trail.id, next);
    }
    next = await this.writeDigests(trail, next, next.pendingDigestEnd!, now);
    delete next.digestStart;
    next = { ...next, digestRegions: {} };
    return next;
  }

  /** One signed digest per region the trail has delivered for (its home region always). */
  private async writeDigests(trail: StoredTrail, state: DeliveryState, end: number, now: number): Promise<DeliveryState> {
    const config = trail.config;
    const regions = [...new Set([config.homeRegion, ...Object.keys(state.digestRegions)])].sort();
    const written: DeliveryState['digestRegions'] = {};
    try {
      for (const region of regions) {
        const chain = state.digestRegions[region] ?? { logFiles: [] };
        const key = digestKey({ prefix: config.s3KeyPrefix, accountId: config.accountId, region, trailName: config.name, homeRegion: config.homeRegion, endTime: end });
        const signingKey = await currentSigningKey(this.o.trails, region, now);
        const digest = buildDigest({ accountId: config.accountId, bucket: config.s3BucketName, key, startTime: state.digestStart!, endTime: end, chain, signingKey });
        await this.o.buckets.putObject(config.s3BucketName, key, gzipSync(digest.body), {
          contentType: 'application/json',
          contentEncoding: 'gzip',
          metadata: { signature: digest.signature, 'signature-algorithm': 'SHA256withRSA' },
          acl: 'bucket-owner-full-control',
        });
        written[region] = { previous: { bucket: config.s3BucketName, key, signature: digest.signature, hash: digest.hash }, logFiles: [] };
      }
    } catch (error) {
      await this.o.trails.patchStatus(trail.id, { latestDigestDeliveryError: error instanceof BucketError ? error.code : 'InternalFailure' });
      throw error;
    }
    const next: DeliveryState = { ...state, digestStart: end, digestRegions: written };
    delete next.pendingDigestEnd;
    await this.o.trails.putDelivery(trail.id, next, { latestDigestDeliveryTime: now, latestDigestDeliveryError: undefined });
    return next;
  }
}
