import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { lakeStateSuite, trailStoreSuite } from '../testing/index.js';
import { openSqliteStore } from './open.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const factory = {
  create: () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-trail-store-'));
    dirs.push(dataDir);
    return Promise.resolve({ store: openSqliteStore({ dataDir }), reopen: () => Promise.resolve(openSqliteStore({ dataDir })) });
  },
};
trailStoreSuite('SQLite', factory);
lakeStateSuite('SQLite', factory);
