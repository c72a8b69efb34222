import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { EventQuery } from '../types.js';
import { entry } from '../testing/index.js';
import { openSqliteStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-postings-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const at = (second: number, eventName: string) => entry({ eventName, eventTime: new Date(Date.UTC(2025, 0, 1) + second * 1000).toISOString().replace('.000Z', 'Z') });

void it("answers repeated lookups from cached postings, yet sees this process's writes, compaction and another process's appends at once", async () => {
  const server = openSqliteStore({ dataDir: dir });
  const query: EventQuery = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management'], attributes: [{ key: 'EventName', value: 'GetTrail' }], limit: 50 };
  const names = async (): Promise<string[]> => (await server.events.query(query)).events.map((e) => e.eventId);
  const expected: string[] = [];
  for (let i = 0; i < 5; i++) {
    const e = at(i, 'GetTrail');
    await server.events.append([e, at(i, 'ListTrails')]);
    expected.unshift(e.eventId);
  }
  assert.deepEqual(await names(), expected);
  assert.deepEqual(await names(), expected, 'the same answer again (from the cache)');

  // A write of the same key by this process.
  const own = at(100, 'GetTrail');
  await server.events.append([own]);
  expected.unshift(own.eventId);
  assert.deepEqual(await names(), expected, "this process's append shows at once");

  // Compaction rewrites the small chunks (and their postings) under the same seqs.
  while ((await server.events.compact()) > 0);
  assert.deepEqual(await names(), expected, 'compaction changes nothing a lookup returns');

  // Another process on the same store (cairn import beside the server).
  const importer = openSqliteStore({ dataDir: dir });
  const imported = at(200, 'GetTrail');
  await importer.events.append([imported]);
  await importer.close();
  expected.unshift(imported.eventId);
  assert.deepEqual(await names(), expected, "another process's append shows at once");

  // A purge by the other process drops events this one had cached postings for.
  const purger = openSqliteStore({ dataDir: dir });
  await purger.events.purgeReceivedBefore(Date.now() + 60_000, 1_000);
  await purger.close();
  assert.deepEqual(await names(), [], 'a purge by another process shows at once');

  // And a purge by this process.
  const last = at(300, 'GetTrail');
  await server.events.append([last]);
  assert.deepEqual(await names(), [last.eventId]);
  await server.events.purgeReceivedBefore(Date.now() + 60_000, 1_000);
  assert.deepEqual(await names(), [], "this process's purge shows at once");
  await server.close();
});

void it('pages every lookup right while appends and compaction land in and around the ranges it has cached', async () => {
  const store = openSqliteStore({ dataDir: mkdtempSync(join(dir, 'random-')) });
  let x = 11;
  const rand = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  // Distinct seconds in random order (Fisher–Yates), so the expected order is by time alone.
  const seconds = Array.from({ length: 3000 }, (_, i) => i);
  for (let i = seconds.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [seconds[i], seconds[j]] = [seconds[j]!, seconds[i]!];
  }
  const written: { id: string; name: string; second: number }[] = [];
  const names = ['GetTrail', 'ListTrails', 'StartLogging'];
  let checked = 0;
  for (let round = 0; round < 60; round++) {
    const batch = Array.from({ length: 1 + rand(40) }, () => {
      const second = seconds.pop()!;
      const name = names[rand(names.length)]!;
      const e = at(second, name);
      written.push({ id: e.eventId, name, second });
      return e;
    });
    await store.events.append(batch);
    if (round % 15 === 14) while ((await store.events.compact()) > 0);
    for (let q = 0; q < 4; q++) {
      const name = names[rand(names.length)]!;
      const from = rand(3000);
      const to = from + rand(3000 - from);
      const startTime = Date.UTC(2025, 0, 1) + from * 1000;
      const endTime = Date.UTC(2025, 0, 1) + to * 1000;
      const query: EventQuery = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management'], attributes: [{ key: 'EventName', value: name }], startTime, endTime, limit: 5 };
      const got: string[] = [];
      let page = await store.events.query(query);
      for (;;) {
        got.push(...page.events.map((e) => e.eventId));
        if (!page.next) break;
        page = await store.events.query({ ...query, after: page.next });
      }
      const expected = written.filter((w) => w.name === name && w.second >= from && w.second <= to).sort((a, b) => b.second - a.second).map((w) => w.id);
      assert.deepEqual(got, expected, `round ${round}: ${name} ${from}..${to}`);
      checked += expected.length;
    }
  }
  assert.ok(checked > 1000, `${checked} events checked`);
  await store.close();
});
