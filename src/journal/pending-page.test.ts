import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StoredEvent } from '../records/index.js';
import type { EventPage } from '../store/index.js';
import { PROVISIONAL_SEQ_BASE, isProvisional, mergePendingPage } from './pending-page.js';

const event = (eventId: string, second: number, seq: number): StoredEvent => ({
  eventId,
  accountId: '123456789012',
  region: 'us-east-1',
  category: 'Management',
  eventTime: second * 1000,
  eventName: 'LookupEvents',
  eventSource: 'cloudtrail.amazonaws.com',
  readOnly: true,
  username: 'alice',
  accessKeyId: undefined,
  resources: [],
  raw: '{}',
  seq,
  receivedAt: 0,
});
const ids = (page: EventPage): string[] => page.events.map((e) => e.eventId);

void it('puts waiting entries before stored events of the same second, and newest first overall', () => {
  const stored = { events: [event('s3', 10, 3), event('s2', 9, 2)] };
  const waiting = [event('w0', 10, PROVISIONAL_SEQ_BASE), event('w1', 11, PROVISIONAL_SEQ_BASE + 1)];
  assert.deepEqual(ids(mergePendingPage(stored, waiting, undefined, 10)), ['w1', 'w0', 's3', 's2']);
});

void it('cuts at the limit with a cursor that names a waiting entry by id, and resumes after it', () => {
  const waiting = [event('w0', 10, PROVISIONAL_SEQ_BASE), event('w1', 10, PROVISIONAL_SEQ_BASE + 1)];
  const first = mergePendingPage({ events: [event('s1', 10, 1)] }, waiting, undefined, 1);
  assert.deepEqual(ids(first), ['w1']);
  assert.deepEqual(first.next, { eventTime: 10_000, seq: PROVISIONAL_SEQ_BASE + 1, eventId: 'w1' });
  assert.ok(isProvisional(first.next));
  // The store is asked again from the end of that second; the merge keeps only what is older than the cursor.
  const second = mergePendingPage({ events: [event('s1', 10, 1)] }, waiting, first.next, 5);
  assert.deepEqual(ids(second), ['w0', 's1']);
  assert.equal(second.next, undefined);
});

void it("keeps waiting entries older than the store page's own cursor for a later page, and shows a moved entry once", () => {
  const stored = { events: [event('s5', 20, 5), event('w0', 20, 4)], next: { eventTime: 20_000, seq: 4 } };
  const waiting = [event('w0', 20, PROVISIONAL_SEQ_BASE), event('old', 5, PROVISIONAL_SEQ_BASE + 1)];
  const page = mergePendingPage(stored, waiting, undefined, 10);
  assert.deepEqual(ids(page), ['s5', 'w0'], 'w0 is shown as stored, and "old" waits for the page after the cursor');
  assert.deepEqual(page.next, { eventTime: 20_000, seq: 4 });
});
