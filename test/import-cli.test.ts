import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
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

  void it('reports an unreadable file by name, imports the rest and exits with status 2', () => {
    const dataDir = join(root, 'data-partial');
    const archive = writeSyntheticArchive(join(root, 'logs-partial'), { files: 2, recordsPerFile: 5, accountId: '111122223333', seed: 7 });
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{"Records":[{"eventID":');
    const run = spawnSync(process.execPath, [CLI, 'import', '--data-dir', dataDir, archive.root, broken], { encoding: 'utf8' });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`^skipped ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'));
    assert.match(run.stdout, /^imported 10 events \(0 duplicates skipped, 0 records not CloudTrail events\) from 3 files \(1 unreadable\)/);
  });

  void it('fails with the store\'s own message when it cannot open the store, and stores nothing', async () => {
    const dataDir = join(root, 'data-newer');
    await openSqliteStore({ dataDir }).close();
    const db = new Database(join(dataDir, 'cairn.db'));
    const newer = (db.pragma('user_version', { simple: true }) as number) + 1;
    db.pragma(`user_version = ${newer}`);
    db.close();
    const archive = writeSyntheticArchive(join(root, 'logs-newer'), { files: 1, recordsPerFile: 5, accountId: '111122223333', seed: 8 });
    const run = spawnSync(process.execPath, [CLI, 'import', '--data-dir', dataDir, archive.root], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`^cairn: .*cairn\\.db was written by a newer Cairn \\(schema ${newer}\\)\n$`));
    assert.equal(run.stdout, '');
    const after = new Database(join(dataDir, 'cairn.db'), { readonly: true });
    try {
      assert.equal(after.prepare('SELECT count(*) FROM chunks').pluck().get(), 0);
    } finally {
      after.close();
    }
  });
});
