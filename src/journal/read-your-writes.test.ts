import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pino from 'pino';
import type { JournalEntry } from '../records/index.js';
import type { CairnStore, EventCursor, EventQuery, EventStore } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { entry } from '../store/testing/index.js';
import { IntakeLog, withReadYourWrites } from './intake-log.js';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'cairn-ryw-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BASE: EventQuery = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management'], attributes: [], limit: 50 };

/** xorshift: reproducible trials. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Events over a few seconds (many share one), a few names, some in another region that must never show. */
function someEntries(rand: (n: number) => number, count: number): JournalEntry[] {
  return Array.from({ length: count }, () =>
    entry({
      eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, rand(4))).toISOString().replace('.000Z', 'Z'),
      eventName: ['GetTrail', 'LookupEvents'][rand(2)],
      ...(rand(8) === 0 ? { awsRegion: 'us-east-2' } : {}),
    }),
  );
}

/** A store with an intake log in front, read as the server reads it; entries are held in the log until a reader or the test moves them. */
async function openServerStore(dataDir: string): Promise<{ store: CairnStore; intake: IntakeLog; view: EventStore }> {
  const store = openSqliteStore({ dataDir });
  const intake = await IntakeLog.open(join(dataDir, 'intake.log'), store.events, logger, { lingerMs: 600_000 });
  after(async () => {
    await intake.close();
    await store.close();
  });
  return { store, intake, view: withReadYourWrites(store.events, intake) };
}

async function allPages(view: EventStore, query: EventQuery, limit: number, between: () => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  let after: EventCursor | undefined;
  for (;;) {
    const page = await view.query({ ...query, limit, ...(after ? { after } : {}) });
    await between();
    // The same cursor again, after whatever `between` did (a move), gives the same page.
    const again = await view.query({ ...query, limit, ...(after ? { after } : {}) });
    assert.deepEqual(again.events.map((e) => e.eventId), page.events.map((e) => e.eventId), 'a re-sent cursor gives the same page');
    out.push(...page.events.map((e) => e.eventId));
    if (!page.next) return out;
    after = page.next;
  }
}

void it('pages through stored events and calls still in the intake log as one history, before, during and after their move', async () => {
  for (let trial = 0; trial < 12; trial++) {
    const rand = random(trial + 1);
    const dataDir = join(dir, `trial-${trial}`);
    const { store, intake, view } = await openServerStore(dataDir);
    await store.events.append(someEntries(rand, 30));
    await intake.append(someEntries(rand, 40));
    const query = rand(2) === 0 ? BASE : { ...BASE, attributes: [{ key: 'EventName' as const, value: 'LookupEvents' }] };
    const storedBefore = await store.events.count();

    const limit = 1 + rand(7);
    let moves = 0;
    const seen = await allPages(view, query, limit, async () => {
      if (moves === 0 && rand(4) === 0) {
        moves++;
        await intake.settled();
      }
    });
    if (moves === 0) assert.equal(await store.events.count(), storedBefore, 'reading did not move the waiting calls');

    await intake.settled();
    const expected = (await store.events.query({ ...query, limit: 1_000 })).events.map((e) => e.eventId);
    assert.equal(new Set(seen).size, seen.length, `trial ${trial}: no event twice`);
    assert.deepEqual(seen, expected, `trial ${trial} (pages of ${limit}, ${moves} move): the pages are the history the store holds after the move`);
  }
});

/** A store append that stops before or after its commit until `release`: a reader may come at either moment. */
function heldAppend(store: CairnStore, commitFirst: boolean): { append: EventStore['append']; reached: Promise<void>; release: () => void } {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const append: EventStore['append'] = async (entries) => {
    if (!commitFirst) {
      reach();
      await released;
    }
    const result = await store.events.append(entries);
    reach();
    await released;
    return result;
  };
  return { append, reached, release };
}

void it('pages as one history while a move is under way, before and after the store commits it', async () => {
  for (let trial = 0; trial < 12; trial++) {
    const rand = random(trial + 101);
    const dataDir = join(dir, `held-${trial}`);
    const store = openSqliteStore({ dataDir });
    const commitFirst = trial % 2 === 0;
    const held = heldAppend(store, commitFirst);
    const intake = await IntakeLog.open(join(dataDir, 'intake.log'), { append: held.append }, logger, { lingerMs: 600_000 });
    const view = withReadYourWrites(store.events, intake);
    await store.events.append(someEntries(rand, 30));
    await intake.append(someEntries(rand, 40));
    const query = rand(2) === 0 ? BASE : { ...BASE, attributes: [{ key: 'EventName' as const, value: 'LookupEvents' }] };
    const limit = 1 + rand(7);
    const startAt = rand(4);
    let pages = 0;
    let moving: Promise<void> | undefined;
    const seen = await allPages(view, query, limit, async () => {
      if (pages++ !== startAt) return;
      moving = intake.settled();
      await held.reached;
    });
    if (!moving) {
      moving = intake.settled();
      await held.reached;
    }
    const during = (await allPages(view, query, 50, () => Promise.resolve())).length;
    held.release();
    await moving;
    const expected = (await store.events.query({ ...query, limit: 1_000 })).events.map((e) => e.eventId);
    const label = `trial ${trial} (pages of ${limit}, the move ${commitFirst ? 'committed' : 'not yet committed'} while held)`;
    assert.equal(new Set(seen).size, seen.length, `${label}: no event twice`);
    assert.deepEqual(seen, expected, `${label}: the pages are the history the store holds after the move`);
    assert.equal(during, expected.length, `${label}: every event once while the move was held`);
    await intake.close();
    await store.close();
  }
});

void it('holds a waiting call back while a text search pages through stored chunks, then shows it once', async () => {
  const { store, intake, view } = await openServerStore(join(dir, 'text'));
  const at = (second: number, extra: Record<string, unknown> = {}): JournalEntry =>
    entry({ eventTime: new Date(Date.UTC(2025, 0, 1) + second * 1000).toISOString().replace('.000Z', 'Z'), ...extra });
  const oldNeedle = at(0, { requestParameters: { note: 'needle' } });
  await store.events.append([oldNeedle]);
  // One chunk each: more than a text search opens for one page, so its first page ends at a time boundary.
  for (let i = 0; i < 450; i++) await store.events.append([at(1_000 + i)]);
  const waitingNeedle = at(5, { requestParameters: { note: 'needle' } });
  await intake.append([waitingNeedle]);
  const query = { ...BASE, text: 'needle' };
  const first = await view.query(query);
  assert.ok(first.next, 'the first page stops at a boundary');
  assert.deepEqual(first.events, [], 'nothing newer than the boundary matches; the waiting call is older than it');
  const ids: string[] = [];
  let cursor: EventCursor | undefined = first.next;
  for (let pages = 0; cursor; pages++) {
    assert.ok(pages < 10, 'the search ends');
    const page = await view.query({ ...query, after: cursor });
    ids.push(...page.events.map((e) => e.eventId));
    cursor = page.next;
  }
  assert.deepEqual(ids, [waitingNeedle.eventId, oldNeedle.eventId]);
});

void it('makes a query of several categories wait for the move, as before', async () => {
  const { store, intake, view } = await openServerStore(join(dir, 'categories'));
  const waiting = someEntries(random(99), 5).map((e) => ({ ...e, region: 'eu-west-1' }));
  await intake.append(waiting);
  const page = await view.query({ ...BASE, categories: ['Management', 'Insight'] });
  assert.equal(await store.events.count(), 5, 'the waiting calls were moved first');
  assert.deepEqual(new Set(page.events.map((e) => e.eventId)), new Set(waiting.map((e) => e.eventId)));
});
