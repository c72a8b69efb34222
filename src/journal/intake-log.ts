import { closeSync, fdatasync as fdatasyncCallback, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { JournalEntry, StoredEvent } from '../records/index.js';
import type { AttributeFilter, EventCursor, EventPage, EventQuery, EventStore } from '../store/index.js';
import { attributeKeysOf, mayMatch } from '../store/index.js';
import { AttributeTally, isProvisional, mergePendingPage, pendingEvent } from './pending-page.js';

const datasync = promisify(fdatasyncCallback);

/**
 * Entries wait this long for company before they are moved into the store, so that batches fill
 * whole chunks; readers see them meanwhile (withReadYourWrites).
 */
const LINGER_MS = 100;
/** ...unless this many are waiting (a full journal chunk). */
const EAGER_BATCH = 128;
const MAX_BATCH = 5_000;
const RETRY_MS = 1_000;
/** The file is emptied once everything in it is in the store and it has grown past this (truncation costs a journal commit). */
const TRUNCATE_AT_BYTES = 8 * 1024 * 1024;

/** An entry in the file and not yet in the store; `event` is it as a query result, made when first read. */
interface PendingEntry {
  entry: JournalEntry;
  /** Its place in the log since start: its provisional seq (pending-page.ts). */
  position: number;
  receivedAt: number;
  /** Its lookup attributes (attributeKeysOf), counted in `attributes` while it is pending. */
  attributeKeys: string[];
  event?: StoredEvent;
}

/**
 * A write-ahead file in front of the event store. A recorded call is acknowledged as soon as its
 * entry is in this file and flushed to disk (one fdatasync off the event loop, shared by every call
 * that waits for it); moving entries into the store, with its indexes and compression, happens
 * shortly after, in batches, off the call's path. At start the file is replayed into the store
 * (eventIDs make that idempotent), so an acknowledged entry survives a crash at any point. Once
 * every entry in the file is durably in the store and the file has grown large, it is emptied.
 *
 * Reads that must see every acknowledged call (LookupEvents after a call) read the waiting entries
 * beside the store (`waiting`), or wait for `settled()`, which moves them at once: see
 * `withReadYourWrites`.
 */
export class IntakeLog {
  private readonly fd: number;
  /** Entries durable (or being made durable) in the file and not yet in the store, in order. */
  private pending: PendingEntry[] = [];
  /**
   * The eventIDs of the first pending entries, being appended to the store right now. The store
   * commits them before its append resolves (SQLite commits, then waits for its flush), so until it
   * resolves they are still waiting entries, and readers leave them out of the store's pages
   * (`moving`): no reader depends on when within the append the commit falls.
   */
  private movingIds = new Set<string>();
  private readonly attributes = new AttributeTally();
  private syncRunning: Promise<void> | undefined;
  private syncQueued: Promise<void> | undefined;
  private moveRunning: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settledWaiters: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Entries appended / moved into the store since start: a reader waits until moved ≥ appended-at-its-start. */
  private appended = 0;
  private moved = 0;
  private written = 0;
  private closed = false;

  private constructor(
    file: string,
    private readonly store: Pick<EventStore, 'append'>,
    private readonly logger: Logger,
    private readonly lingerMs: number,
  ) {
    this.fd = openSync(file, 'a+', 0o600);
  }

  /**
   * Opens the file at `file`, first moving whatever a previous run left in it into the store.
   * `lingerMs`: how long entries wait for company before they move (tests hold them longer).
   */
  static async open(file: string, store: Pick<EventStore, 'append'>, logger: Logger, options: { lingerMs?: number } = {}): Promise<IntakeLog> {
    const log = new IntakeLog(file, store, logger, options.lingerMs ?? LINGER_MS);
    const left = parseIntakeLines(readFileSync(file, 'utf8'));
    for (let i = 0; i < left.length; i += MAX_BATCH) await store.append(left.slice(i, i + MAX_BATCH));
    if (left.length > 0) logger.info({ entries: left.length }, 'replayed the intake log into the event store');
    ftruncateSync(log.fd, 0);
    await datasync(log.fd);
    return log;
  }

  /** Resolves once the entries are durable in the file (they reach the store shortly after). */
  async append(entries: readonly JournalEntry[]): Promise<void> {
    if (this.closed) throw new Error('the intake log is closed');
    if (entries.length === 0) return;
    let text = '';
    for (const entry of entries) text += JSON.stringify(entry) + '\n';
    const bytes = Buffer.from(text);
    // Appended (O_APPEND): a crash leaves at most a torn last line, never acknowledged. A failed
    // write is cut off again, so the next entry does not start mid-line.
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
    } catch (error) {
      ftruncateSync(this.fd, this.written);
      throw error;
    }
    this.written += bytes.length;
    const receivedAt = Date.now();
    for (const entry of entries) {
      const attributeKeys = attributeKeysOf(entry);
      this.attributes.add(attributeKeys);
      this.pending.push({ entry, position: this.appended++, receivedAt, attributeKeys });
    }
    this.scheduleMove(this.pending.length >= EAGER_BATCH ? 0 : this.lingerMs);
    await this.sync();
  }

  /**
   * Resolves when every entry appended before the call that `wanted` accepts is in the store. A
   * reader whose query no waiting entry can match goes straight on: recorded calls then move in
   * full batches instead of one small batch per read.
   */
  settledFor(wanted: (entry: JournalEntry) => boolean): Promise<void> {
    return this.pending.some((p) => wanted(p.entry)) ? this.settled() : Promise.resolve();
  }

  /** Whether some pending entry carries each of these filters' values; when not, no waiting entry can match them. */
  mayHold(filters: readonly AttributeFilter[]): boolean {
    return this.attributes.mayHold(filters);
  }

  /** The waiting entries `wanted` accepts, as query results with provisional seqs (pending-page.ts). */
  waiting(wanted: (entry: JournalEntry) => boolean): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const waiting of this.pending) {
      // One object per entry, so a reply cache keyed by event (lookup-events.ts) keeps working.
      if (wanted(waiting.entry)) events.push((waiting.event ??= Object.freeze(pendingEvent(waiting.entry, waiting.position, waiting.receivedAt))));
    }
    return events;
  }

  /** Whether the entry with this eventID still waits (its provisional seq stands) or is in the store. */
  isWaiting(eventId: string): boolean {
    for (const waiting of this.pending) if (waiting.entry.eventId === eventId) return true;
    return false;
  }

  /**
   * The eventIDs being appended right now: they may already be in the store's pages, where a reader
   * leaves them out, since `waiting` still returns them (with their provisional seqs).
   */
  moving(): ReadonlySet<string> {
    return this.movingIds;
  }

  /** Resolves when every entry appended before the call is in the store. */
  settled(): Promise<void> {
    if (this.moved >= this.appended) return Promise.resolve();
    const upTo = this.appended;
    const waiting = new Promise<void>((resolve, reject) => this.settledWaiters.push({ upTo, resolve, reject }));
    this.scheduleMove(0);
    return waiting;
  }

  /** Moves everything into the store and closes the file (shutdown). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.settled();
    this.closed = true;
    clearTimeout(this.timer);
    await this.syncRunning;
    await this.syncQueued;
    // Everything is in the store: the next start has nothing to replay.
    ftruncateSync(this.fd, 0);
    closeSync(this.fd);
  }

  /** One fdatasync shared by the waiters; one arriving while a flush runs gets the next flush. */
  private sync(): Promise<void> {
    if (!this.syncRunning) {
      this.syncRunning = datasync(this.fd).finally(() => (this.syncRunning = undefined));
      return this.syncRunning;
    }
    const again = (): Promise<void> => {
      this.syncQueued = undefined;
      return this.sync();
    };
    this.syncQueued ??= this.syncRunning.then(again, again);
    return this.syncQueued;
  }

  private scheduleMove(delayMs: number): void {
    if (this.moveRunning) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    // setImmediate-like for 0: the calls acknowledged in this turn get their replies out first.
    this.timer = setTimeout(() => this.startMove(), delayMs);
  }

  private startMove(): void {
    this.timer = undefined;
    this.moveRunning = this.move().finally(() => {
      this.moveRunning = undefined;
      // Entries left waiting (or appended while the move ran, whose scheduling it turned away).
      if (this.pending.length > 0 && !this.timer && !this.closed) this.scheduleMove(this.pending.length >= EAGER_BATCH || this.settledWaiters.length > 0 ? 0 : this.lingerMs);
    });
  }

  private async move(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, MAX_BATCH).map((p) => p.entry);
      this.movingIds = new Set(batch.map((entry) => entry.eventId));
      try {
        await this.store.append(batch);
      } catch (error) {
        this.movingIds = new Set();
        // Still in the file, still pending: tried again, and replayed at the next start if need be.
        this.logger.error({ err: error, entries: batch.length }, 'moving recorded events into the store failed; retrying');
        for (const waiter of this.settledWaiters.splice(0)) waiter.reject(error);
        this.timer = setTimeout(() => this.startMove(), RETRY_MS);
        return;
      }
      for (const moved of this.pending.splice(0, batch.length)) this.attributes.remove(moved.attributeKeys);
      this.moved += batch.length;
      this.movingIds = new Set();
      this.settledWaiters = this.settledWaiters.filter((waiter) => {
        if (waiter.upTo > this.moved) return true;
        waiter.resolve();
        return false;
      });
      // Entries that came during that append wait for company again (startMove schedules them)
      // unless a reader waits for them, they fill a chunk, or the file is due to be emptied, which
      // needs every entry moved. Moving each handful at once made chunks of 8 events under load:
      // twice the append cost per event, and lookups of the newest page opened 50 chunks.
      const drain = this.settledWaiters.length > 0 || this.written >= TRUNCATE_AT_BYTES;
      if (this.pending.length > 0 && this.pending.length < EAGER_BATCH && !drain) return;
    }
    // Every entry in the file is durably in the store (its append resolved): start the file afresh.
    // Entries replayed again after a crash (before or after a truncation) are skipped by the store.
    if (this.written >= TRUNCATE_AT_BYTES && !this.closed) {
      ftruncateSync(this.fd, 0);
      this.written = 0;
    }
  }
}

/** The entries of an intake file; a torn last line (a crash mid-write, never acknowledged) is dropped. */
export function parseIntakeLines(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (isJournalEntry(parsed)) entries.push(parsed);
  }
  return entries;
}

function isJournalEntry(value: unknown): value is JournalEntry {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Partial<JournalEntry>;
  return typeof e.eventId === 'string' && typeof e.raw === 'string' && typeof e.accountId === 'string' && typeof e.eventTime === 'number' && Array.isArray(e.resources);
}

/**
 * The event store as a server reads it: every read sees the calls acknowledged before it. A query
 * of one partition reads the intake log's waiting entries beside the store (they move in full
 * batches, not one small batch per read); other reads wait for the entries to move first.
 */
export function withReadYourWrites(events: EventStore, intake: IntakeLog): EventStore {
  return {
    append: (entries) => events.append(entries),
    query: (query) => (query.categories.length === 1 ? queryWithWaiting(events, intake, query) : settledQuery(events, intake, query)),
    readAfter: async (afterSeq, limit) => {
      await intake.settled();
      return events.readAfter(afterSeq, limit);
    },
    lastSeq: async () => {
      await intake.settled();
      return events.lastSeq();
    },
    count: async () => {
      await intake.settled();
      return events.count();
    },
    purgeReceivedBefore: (cutoff, maxEvents) => events.purgeReceivedBefore(cutoff, maxEvents),
    compact: () => events.compact(),
    storedBytes: () => events.storedBytes(),
  };
}

async function settledQuery(events: EventStore, intake: IntakeLog, query: EventQuery): Promise<EventPage> {
  await intake.settledFor((entry) => mayMatch(entry, query));
  return events.query(query);
}

/**
 * One partition's page from the store and the waiting entries together (pending-page.ts). Within a
 * partition the store numbers moved entries in the order their provisional seqs give them; across
 * partitions it does not, so a query of several categories waits instead (settledQuery).
 */
async function queryWithWaiting(events: EventStore, intake: IntakeLog, query: EventQuery): Promise<EventPage> {
  let after = query.after;
  if (after && isProvisional(after) && after.eventId !== undefined && !intake.isWaiting(after.eventId)) {
    after = await storedPosition(events, query, after.eventId, after.eventTime);
  }
  // Nothing awaited from here to the store's read (SQLite reads synchronously): the log's waiting
  // entries and the store's page are of one moment, so no entry is in neither. Entries being moved
  // are waiting entries until their append resolves, whether or not the store shows them yet: the
  // store's page leaves them out, and reads past them so that it still fills.
  const wanted = { ...query, after: undefined };
  const waiting = intake.mayHold(query.attributes) ? intake.waiting((entry) => mayMatch(entry, wanted)) : [];
  const moving = intake.moving();
  const maybeStored = moving.size === 0 ? 0 : waiting.filter((event) => moving.has(event.eventId)).length;
  const stored = events.query(storedCursorQuery({ ...query, after, limit: query.limit + maybeStored }));
  return mergePendingPage(withoutMoving(await stored, moving, query.limit), waiting, after, query.limit);
}

/** The store's page without the entries being moved, cut back to `limit` events. */
function withoutMoving(page: EventPage, moving: ReadonlySet<string>, limit: number): EventPage {
  if (moving.size === 0) return page;
  const events = page.events.filter((event) => !moving.has(event.eventId));
  if (events.length <= limit) return events.length === page.events.length ? page : { ...page, events };
  const kept = events.slice(0, limit);
  const last = kept[limit - 1]!;
  return { events: kept, next: { eventTime: last.eventTime, seq: last.seq } };
}

/** A provisional cursor whose entry has moved: the seq the store gave it, found by its eventID. */
async function storedPosition(events: EventStore, query: EventQuery, eventId: string, eventTime: number): Promise<EventCursor> {
  const page = await events.query({ ...query, attributes: [{ key: 'EventId', value: eventId }], text: undefined, startTime: undefined, endTime: undefined, after: undefined, limit: 1 });
  const moved = page.events[0];
  // Gone (purged): everything at its second is older than what the earlier page showed.
  return moved ? { eventTime: moved.eventTime, seq: moved.seq } : { eventTime, seq: Number.MAX_SAFE_INTEGER };
}

/** The store knows nothing of provisional seqs: every stored event at a provisional cursor's second is older than it. */
function storedCursorQuery(query: EventQuery): EventQuery {
  const after = query.after;
  if (!after || !isProvisional(after)) return query;
  return { ...query, after: { eventTime: after.eventTime, seq: Number.MAX_SAFE_INTEGER } };
}
