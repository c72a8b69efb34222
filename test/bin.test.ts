import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './support/cairn-process.js';

// The README's promise: after `npm install`, `npx cairn <command>` runs the package's own bin.
void it('npx cairn runs the built command line from the repository', async () => {
  const { stdout } = await promisify(execFile)('npx', ['--no-install', 'cairn', '--help'], { cwd: ROOT, encoding: 'utf8' });
  assert.match(stdout, /Usage: cairn/);
  assert.match(stdout, /\bserve\b/);
  assert.match(stdout, /\bimport\b/);
});
