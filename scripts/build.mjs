#!/usr/bin/env node
// Builds dist/ (the server and CLI with tsc, the console with vite) into a staging directory and
// only then swaps it into place. Starting from an empty directory keeps files of deleted sources
// out of dist/; building beside it keeps dist/ whole for anything running from it meanwhile (a
// server, or the test suite while `npx cairn` installs the project into npx's cache).
// Usage: node scripts/build.mjs
import { execFileSync } from 'node:child_process';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const staging = 'dist.staging';
const retired = 'dist.retired';
rmSync(staging, { recursive: true, force: true });
rmSync(retired, { recursive: true, force: true });

const bin = (name) => join('node_modules', '.bin', name);
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', staging], { stdio: 'inherit' });
// tsc writes files without the execute bit; the package's bin needs it.
chmodSync(join(staging, 'cli', 'main.js'), 0o755);
// vite resolves a relative --outDir against the console's root, so it gets an absolute one.
execFileSync(bin('vite'), ['build', '--config', 'console/vite.config.ts', '--outDir', resolve(staging, 'web')], {
  stdio: 'inherit',
});

// Two renames: dist/ is missing only between them, not for the length of a build.
try {
  renameSync('dist', retired);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(staging, 'dist');
rmSync(retired, { recursive: true, force: true });
