import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { entry } from '../testing/index.js';
import { openSqliteStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-compactor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void it('merges a large backlog of small chunks a bounded amount per round, and lookups see the same events', async () => {
  const store = openSqliteStore({ dataDir: dir });
  const base = Date.UTC(2025, 0, 1);
  // 1,500 one-event appends: 1,500 chunks, as a busy server records calls a few per commit.
  for (let i = 0; i < 1_500; i++) await store.events.append([entry({ eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z') })]);
  const query = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management' as const], attributes: [], limit: 2_000 };
  const before = (await store.events.query(query)).events.map((e) => e.eventId);
  const rounds: number[] = [];
  for (let n = await store.events.compact(); n > 0; n = await store.events.compact()) rounds.push(n);
  assert.ok(rounds.length >= 3, `the backlog took ${rounds.length} rounds`);
  for (const n of rounds) assert.ok(n <= 512 + 128, `one round merged ${n} events`);
  assert.ok(rounds.reduce((a, b) => a + b, 0) >= 1_400, 'nearly every event was merged into a bigger chunk');
  assert.deepEqual((await store.events.query(query)).events.map((e) => e.eventId), before);
  await store.close();
});
