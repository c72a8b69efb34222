import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './support/cairn-process.js';

// An empty npm cache makes every run a new user's first `npx cairn`: npm installs the project into
// npx's cache as a link and runs its prepare step there.
const npmCache = mkdtempSync(join(tmpdir(), 'cairn-npx-cache-'));
after(() => rmSync(npmCache, { recursive: true, force: true }));

// The README's promise: after `npm install`, `npx cairn <command>` runs the package's own bin.
void it('npx cairn runs the built command line from the repository, and leaves dist/ as npm install built it', async () => {
  const builtBefore = statSync(join(ROOT, 'dist', 'cli', 'main.js'));
  const { stdout } = await promisify(execFile)('npx', ['--no-install', 'cairn', '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: npmCache },
  });
  assert.match(stdout, /Usage: cairn/);
  assert.match(stdout, /\bserve\b/);
  assert.match(stdout, /\bimport\b/);
  // A rebuild would take dist/ away from every other test (and server) using it meanwhile.
  const builtAfter = statSync(join(ROOT, 'dist', 'cli', 'main.js'));
  assert.equal(builtAfter.ino, builtBefore.ino);
  assert.equal(builtAfter.mtimeMs, builtBefore.mtimeMs);
});
