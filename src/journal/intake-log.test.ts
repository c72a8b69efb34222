import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pino from 'pino';
import type { JournalEntry } from '../records/index.js';
import type { AppendResult } from '../store/index.js';
import { IntakeLog, parseIntakeLines } from './intake-log.js';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'cairn-intake-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const entry = (eventId: string): JournalEntry => ({
  eventId,
  accountId: '123456789012',
  region: 'us-east-1',
  category: 'Management',
  eventTime: 1_700_000_000_000,
  eventName: 'DescribeTrails',
  eventSource: 'cloudtrail.amazonaws.com',
  readOnly: true,
  username: 'alice',
  accessKeyId: undefined,
  resources: [{ type: 'AWS::S3::Bucket', name: 'b' }],
  raw: `{"eventID":"${eventId}","note":"line\\nbreak"}`,
});

/** A store that keeps what it is given; `failNext` makes appends fail; `hold` keeps them pending. */
class RecordingStore {
  readonly stored: JournalEntry[] = [];
  /** The eventIDs of each append, in the order they were asked for. */
  readonly batches: string[][] = [];
  failNext = 0;
  hold = false;
  private held: (() => void)[] = [];
  append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    this.batches.push(entries.map((e) => e.eventId));
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('disk full'));
    }
    const done = (): AppendResult => {
      const known = new Set(this.stored.map((e) => e.eventId));
      const fresh = entries.filter((e) => !known.has(e.eventId));
      this.stored.push(...fresh);
      return { inserted: fresh.length, duplicates: entries.length - fresh.length };
    };
    if (!this.hold) return Promise.resolve(done());
    return new Promise((resolve) => this.held.push(() => resolve(done())));
  }
  /** Lets the held appends (and every later one) through. */
  release(): void {
    this.hold = false;
    for (const go of this.held.splice(0)) go();
  }
}

void it('acknowledges entries once they are in the file, then moves them into the store; settled() waits for that', async () => {
  const file = join(dir, 'a.log');
  const store = new RecordingStore();
  const log = await IntakeLog.open(file, store, logger);
  await log.append([entry('e1'), entry('e2')]);
  assert.deepEqual(
    parseIntakeLines(readFileSync(file, 'utf8')).map((e) => e.eventId),
    ['e1', 'e2'],
    'durable in the file when append resolves',
  );
  await log.settled();
  assert.deepEqual(
    store.stored.map((e) => e.eventId),
    ['e1', 'e2'],
  );
  assert.deepEqual(store.stored[0], entry('e1'), 'the entry reaches the store unchanged');
  await log.close();
  assert.equal(readFileSync(file, 'utf8'), '', 'a clean close leaves nothing to replay');
});

void it('replays what a crashed run left in the file, once, and drops a torn last line', async () => {
  const file = join(dir, 'b.log');
  const crashed = new RecordingStore();
  crashed.hold = true; // the store never took them: the process "died" first
  const first = await IntakeLog.open(file, crashed, logger);
  await first.append([entry('c1')]);
  await first.append([entry('c2'), entry('c3')]);
  assert.equal(crashed.stored.length, 0);
  appendFileSync(file, '{"eventId":"torn","raw":"{\\"eve'); // a write cut short, never acknowledged
  const store = new RecordingStore();
  store.stored.push(entry('c1')); // already in the store before the crash: skipped again
  const second = await IntakeLog.open(file, store, logger);
  assert.deepEqual(
    store.stored.map((e) => e.eventId),
    ['c1', 'c2', 'c3'],
  );
  assert.equal(readFileSync(file, 'utf8'), '', 'replayed entries are not replayed twice');
  await second.close();
});

void it('keeps entries the store refused, fails the readers waiting on them, and moves them on a later try', async () => {
  const file = join(dir, 'c.log');
  const store = new RecordingStore();
  store.failNext = 1;
  const log = await IntakeLog.open(file, store, logger);
  await log.append([entry('f1')]);
  await assert.rejects(log.settled(), /disk full/);
  assert.equal(store.stored.length, 0);
  assert.deepEqual(
    parseIntakeLines(readFileSync(file, 'utf8')).map((e) => e.eventId),
    ['f1'],
    'still in the file',
  );
  const deadline = Date.now() + 5_000;
  while (store.stored.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    store.stored.map((e) => e.eventId),
    ['f1'],
    'moved on the retry',
  );
  await log.close();
});

void it('lets a reader no waiting entry can match go on at once, and makes a matching reader wait for the move', async () => {
  const file = join(dir, 'd.log');
  const store = new RecordingStore();
  store.hold = true;
  const log = await IntakeLog.open(file, store, logger);
  await log.append([entry('m1')]);
  await log.settledFor((e) => e.eventId === 'other');
  assert.equal(store.stored.length, 0, 'the unrelated reader did not wait for m1');
  let matched = false;
  const matching = log.settledFor((e) => e.eventId === 'm1').then(() => (matched = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(matched, false, 'the matching reader waits while m1 is on its way into the store');
  store.release();
  await matching;
  assert.deepEqual(
    store.stored.map((e) => e.eventId),
    ['m1'],
  );
  await log.close();
});

async function waitUntil(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), 'in time');
}

void it('lets entries that arrive while a move runs wait for company, and moves them without further appends', async () => {
  const file = join(dir, 'e.log');
  const store = new RecordingStore();
  store.hold = true;
  const log = await IntakeLog.open(file, store, logger, { lingerMs: 300 });
  await log.append([entry('g1')]);
  await waitUntil(() => store.batches.length === 1);
  await log.append([entry('g2')]); // while g1 is being moved
  store.release();
  await new Promise(setImmediate); // g1's move has finished
  await log.append([entry('g3')]); // within the linger: g2 waited for it
  await waitUntil(() => store.stored.length === 3);
  assert.deepEqual(store.batches, [['g1'], ['g2', 'g3']]);
  await log.close();
});

void it('keeps moving once the file is due to be emptied, and empties it', async () => {
  const file = join(dir, 'f.log');
  const store = new RecordingStore();
  store.hold = true;
  // A linger far beyond the test: only a full batch, a reader or the due emptying moves entries.
  const log = await IntakeLog.open(file, store, logger, { lingerMs: 60_000 });
  const big = (id: string): JournalEntry => ({ ...entry(id), raw: `{"eventID":"${id}","pad":"${'x'.repeat(70_000)}"}` });
  // 128 entries, a full batch, move at once; 9 MB written puts the file past its limit.
  await log.append(Array.from({ length: 128 }, (_, i) => big(`h${i}`)));
  await waitUntil(() => store.batches.length === 1);
  await log.append([entry('late')]);
  store.release();
  await waitUntil(() => store.stored.length === 129);
  await waitUntil(() => readFileSync(file).length === 0);
  assert.deepEqual(store.batches[1], ['late']);
  await log.close();
});

void it('tells whether any pending entry carries a lookup attribute, until the entry has moved', async () => {
  const file = join(dir, 'g.log');
  const store = new RecordingStore();
  store.hold = true;
  const log = await IntakeLog.open(file, store, logger, { lingerMs: 60_000 });
  await log.append([entry('k1'), { ...entry('k2'), username: 'bob', resources: [] }]);
  assert.equal(log.mayHold([{ key: 'Username', value: 'alice' }]), true);
  assert.equal(log.mayHold([{ key: 'Username', value: 'bob' }, { key: 'EventName', value: 'DescribeTrails' }]), true);
  assert.equal(log.mayHold([{ key: 'ResourceName', value: 'b' }]), true);
  assert.equal(log.mayHold([{ key: 'Username', value: 'carol' }]), false);
  assert.equal(log.mayHold([{ key: 'EventName', value: 'DescribeTrails' }, { key: 'ReadOnly', value: 'false' }]), false);
  assert.equal(log.mayHold([]), true, 'no filter: every entry may match');
  const settled = log.settled();
  store.release();
  await settled;
  assert.equal(log.mayHold([{ key: 'Username', value: 'alice' }]), false, 'moved entries no longer count');
  assert.equal(log.mayHold([{ key: 'EventId', value: 'k2' }]), false);
  await log.append([entry('k3')]);
  assert.equal(log.mayHold([{ key: 'Username', value: 'alice' }]), true);
  assert.equal(log.mayHold([{ key: 'Username', value: 'bob' }]), false);
  await log.close();
});
