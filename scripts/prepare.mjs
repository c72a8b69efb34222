#!/usr/bin/env node
// npm's prepare step: `npm install` builds dist/. `npx cairn` in the repository installs the
// project into npx's cache as a link, and npm runs prepare again there (npm_command is "exec");
// the build from `npm install` is already in place, so that run keeps it instead of rebuilding
// for every first `npx cairn`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.npm_command === 'exec' && existsSync('dist/cli/main.js')) process.exit(0);
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
