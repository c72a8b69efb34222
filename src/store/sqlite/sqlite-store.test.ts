import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { entry, eventStoreSuite } from '../testing/index.js';
import { openSqliteStore } from './open.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-store-'));
  dirs.push(dataDir);
  return dataDir;
}

eventStoreSuite('SQLite', {
  create: () => {
    const dataDir = newDataDir();
    return Promise.resolve({ store: openSqliteStore({ dataDir }), reopen: () => Promise.resolve(openSqliteStore({ dataDir })) });
  },
});

// An import's store (a filter of stored eventIDs spares most duplicate checks) keeps the same contract.
eventStoreSuite('SQLite, bulk writer', {
  create: () => {
    const dataDir = newDataDir();
    return Promise.resolve({
      store: openSqliteStore({ dataDir, bulkWriter: true }),
      reopen: () => Promise.resolve(openSqliteStore({ dataDir, bulkWriter: true })),
    });
  },
});

void describe('SQLite bulk writer beside another connection', () => {
  void it('still skips an eventID another connection stored after its filter was built', async () => {
    const dataDir = newDataDir();
    const importer = openSqliteStore({ dataDir, bulkWriter: true });
    const server = openSqliteStore({ dataDir });
    try {
      const [first, second, third] = [entry(), entry(), entry()];
      assert.deepEqual(await importer.events.append([first]), { inserted: 1, duplicates: 0 });
      assert.deepEqual(await server.events.append([second]), { inserted: 1, duplicates: 0 });
      assert.deepEqual(await importer.events.append([second, third, first]), { inserted: 1, duplicates: 2 });
      const ids = (await importer.events.readAfter(0, 10)).map((e) => e.eventId);
      assert.deepEqual([...ids].sort(), [first.eventId, second.eventId, third.eventId].sort());
    } finally {
      await importer.close();
      await server.close();
    }
  });
});
