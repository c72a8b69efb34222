import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { JournalEntry } from '../../records/index.js';
import { entry } from '../testing/index.js';
import { BusyWriter, WriterThread } from './writer-thread.js';
import { openSqliteStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-writer-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const QUERY = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management' as const], attributes: [], limit: 1_000 };

void it('appends on its own thread: the events are in the store when the append resolves, and duplicates are skipped there', async () => {
  const dataDir = join(dir, 'appends');
  const store = openSqliteStore({ dataDir });
  const thread = new WriterThread(dataDir);
  try {
    const events = Array.from({ length: 300 }, () => entry());
    const [first, second] = await Promise.all([thread.append(events.slice(0, 200)), thread.append(events.slice(100))]);
    assert.deepEqual(first, { inserted: 200, duplicates: 0 });
    assert.deepEqual(second, { inserted: 100, duplicates: 100 }, 'the second batch, sent before the first was answered, found its overlap');
    // This thread's own connection reads what the other thread committed.
    assert.equal(await store.events.count(), 300);
    const found = (await store.events.query(QUERY)).events.map((e) => e.eventId).sort();
    assert.deepEqual(found, events.map((e) => e.eventId).sort());
  } finally {
    await thread.close();
    await store.close();
  }
});

void it('answers a batch the store refuses with an error, and goes on appending the next', async () => {
  const dataDir = join(dir, 'refused');
  const thread = new WriterThread(dataDir);
  try {
    const broken = { ...entry(), resources: null } as unknown as JournalEntry;
    await assert.rejects(thread.append([broken]), (error: Error) => error.message.length > 0);
    assert.deepEqual(await thread.append([entry()]), { inserted: 1, duplicates: 0 });
  } finally {
    await thread.close();
  }
  await assert.rejects(thread.append([entry()]), /closed/);
  const store = openSqliteStore({ dataDir });
  assert.equal(await store.events.count(), 1, 'the refused batch left nothing behind');
  await store.close();
});

void it('appends on the event loop while the process appends little, then on a thread, in order and losing nothing', async () => {
  const dataDir = join(dir, 'busy');
  const store = openSqliteStore({ dataDir });
  const appends = new BusyWriter(store.events, dataDir);
  const threads = (): number => readdirSync('/proc/self/task').length;
  try {
    const events = Array.from({ length: 1_500 }, () => entry());
    await appends.append(events.slice(0, 500));
    const quiet = threads();
    await appends.append(events.slice(500, 1_000));
    assert.equal(threads(), quiet, 'no thread for the first thousand events');
    await appends.append(events.slice(1_000));
    assert.ok(threads() > quiet, 'a thread appends once the process turned out busy');
    assert.deepEqual(await appends.append(events.slice(900, 1_100)), { inserted: 0, duplicates: 200 });
    const found = (await store.events.query({ ...QUERY, limit: 2_000 })).events.map((e) => e.eventId).sort();
    assert.deepEqual(found, events.map((e) => e.eventId).sort());
  } finally {
    await appends.close();
    await store.close();
  }
});

void it('merges and purges on its thread while this thread reads: lookups follow the rewritten chunks they had decoded', async () => {
  const dataDir = join(dir, 'rewrites');
  const store = openSqliteStore({ dataDir });
  const thread = new WriterThread(dataDir);
  try {
    const base = Date.UTC(2025, 0, 1);
    const events = Array.from({ length: 6 }, (_, i) => entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') }));
    // Two small chunks, as a server records calls; this connection reads (and keeps decoded) both.
    await store.events.append(events.slice(0, 3));
    await store.events.append(events.slice(3));
    const newestFirst = events.map((e) => e.eventId).reverse();
    const ids = async (): Promise<string[]> => (await store.events.query(QUERY)).events.map((e) => e.eventId);
    assert.deepEqual(await ids(), newestFirst);
    // The thread merges the second chunk into the first, which keeps its id.
    assert.equal(await thread.compact(), 6);
    assert.deepEqual(await ids(), newestFirst, 'the merged chunk is read afresh, not the decoded copy from before');
    assert.equal((await store.events.readAfter(0, 100)).length, 6);
    // The thread purges everything: nothing is left to show, cached or not.
    assert.equal(await thread.purgeReceivedBefore(Date.now() + 1_000, 1_000), 6);
    assert.deepEqual(await ids(), []);
    assert.deepEqual(await store.events.readAfter(0, 100), []);
  } finally {
    await thread.close();
    await store.close();
  }
});

void it('moves compaction to the thread once a round on the event loop finds a backlog', async () => {
  const dataDir = join(dir, 'backlog');
  const store = openSqliteStore({ dataDir });
  const writes = new BusyWriter(store.events, dataDir);
  const threads = (): number => readdirSync('/proc/self/task').length;
  try {
    const base = Date.UTC(2025, 0, 1);
    // 2,000 one-event chunks: far more than one round merges.
    const events = Array.from({ length: 2_000 }, (_, i) => entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') }));
    for (let i = 0; i < events.length; i += 1) await store.events.append(events.slice(i, i + 1));
    const before = threads();
    assert.ok((await writes.compact()) >= 256, 'the first round, on the event loop, merged a full round');
    let rounds = 1;
    while ((await writes.compact()) > 0) rounds++;
    assert.ok(threads() > before, 'the rest ran on a thread');
    assert.ok(rounds > 2, `${rounds} rounds`);
    const found = (await store.events.query({ ...QUERY, limit: 2_000 })).events.map((e) => e.eventId);
    assert.deepEqual(found, events.map((e) => e.eventId).reverse());
  } finally {
    await writes.close();
    await store.close();
  }
});
