import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { CLI } from './support/cairn-process.js';
import { writeSyntheticArchive } from './support/synthetic-archive.js';

void describe('cairn import', () => {
  const root = mkdtempSync(join(tmpdir(), 'cairn-import-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  void it('leaves its chunks merged: a server opening the store finds nothing to compact', async () => {
    // Three small imports, as archives arrive day by day: each one alone fills only part of a chunk.
    const dataDir = join(root, 'data');
    const archives = [1, 2, 3].map((seed) => writeSyntheticArchive(join(root, `logs-${seed}`), { files: 1, recordsPerFile: 30, accountId: '111122223333', seed }));
    for (const archive of archives) {
      const run = spawnSync(process.execPath, [CLI, 'import', '--data-dir', dataDir, archive.root], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^imported 30 events \(0 duplicates skipped/);
    }
    const store = openSqliteStore({ dataDir });
    try {
      assert.equal(await store.events.compact(), 0, 'no chunk is left for the compactor to merge');
      const ids = (await store.events.readAfter(0, Number.MAX_SAFE_INTEGER)).map((e) => e.eventId);
      assert.deepEqual([...ids].sort(), archives.flatMap((a) => a.eventIds).sort());
    } finally {
      await store.close();
    }
  });
});
