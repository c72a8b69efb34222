import type { JournalEntry, StoredEvent } from '../records/index.js';
import type { AttributeFilter, EventCursor, EventPage } from '../store/index.js';
import { attributeKey, isAfterCursor } from '../store/index.js';

/**
 * Provisional seqs of entries still in the intake log start here, above every seq a store gives
 * out, and below Number.MAX_SAFE_INTEGER (the "everything at this time" cursor). When an entry
 * moves, the store numbers it after everything it holds; within one partition it keeps the
 * entries' order by (eventTime, arrival), which is the order these seqs give them, so a page
 * that shows an entry before its move lines up with the pages read after it.
 */
export const PROVISIONAL_SEQ_BASE = 2 ** 52;

/** An intake-log entry as a query result: `position` is its place in the log since start. */
export function pendingEvent(entry: JournalEntry, position: number, receivedAt: number): StoredEvent {
  return { ...entry, seq: PROVISIONAL_SEQ_BASE + position, receivedAt };
}

export function isProvisional(cursor: EventCursor): boolean {
  return cursor.seq >= PROVISIONAL_SEQ_BASE && cursor.seq < Number.MAX_SAFE_INTEGER;
}

/** Newest first, as pages are ordered: (eventTime, seq) descending. */
export function newerFirst(a: EventCursor, b: EventCursor): number {
  return b.eventTime - a.eventTime || b.seq - a.seq;
}

/**
 * One page from the store's page and the matching entries not yet in it. `stored` answered the
 * query from `after`; `pending` are the waiting entries that match it (any order). The store's
 * page is complete only down to its `next` cursor, so waiting entries older than that wait for a
 * later page. An entry already in the store's page (it moved meanwhile) is shown once, as stored.
 */
export function mergePendingPage(stored: EventPage, pending: readonly StoredEvent[], after: EventCursor | undefined, limit: number): EventPage {
  if (pending.length === 0) return stored;
  const storedIds = new Set(stored.events.map((e) => e.eventId));
  const frontier = stored.next;
  const candidates = [...stored.events];
  for (const event of pending) {
    if (storedIds.has(event.eventId)) continue;
    if (after && !isAfterCursor(event.eventTime, event.seq, after)) continue;
    if (frontier && isAfterCursor(event.eventTime, event.seq, frontier)) continue;
    candidates.push(event);
  }
  if (candidates.length === stored.events.length) return stored;
  candidates.sort(newerFirst);
  const events = candidates.slice(0, limit);
  if (candidates.length > limit) return { events, next: cursorAt(events[events.length - 1]!) };
  return frontier ? { events, next: frontier } : { events };
}

function cursorAt(event: StoredEvent): EventCursor {
  const cursor: EventCursor = { eventTime: event.eventTime, seq: event.seq };
  if (event.seq >= PROVISIONAL_SEQ_BASE) cursor.eventId = event.eventId;
  return cursor;
}

/**
 * How many waiting entries carry each lookup attribute (spelled by `attributeKeysOf`): most lookups
 * filter on a value none of them has, and then need not look at them at all.
 */
export class AttributeTally {
  private readonly counts = new Map<string, number>();

  add(keys: readonly string[]): void {
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  remove(keys: readonly string[]): void {
    for (const key of keys) {
      const left = (this.counts.get(key) ?? 0) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    }
  }

  /** Whether each filter's value is carried by some counted entry (not necessarily the same one). */
  mayHold(filters: readonly AttributeFilter[]): boolean {
    for (const filter of filters) if (!this.counts.has(attributeKey(filter))) return false;
    return true;
  }
}
