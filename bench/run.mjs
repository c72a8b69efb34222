#!/usr/bin/env node
// `npm run bench`: generates the 1M-event dataset if bench/out/data has none, then runs the
// baselines (parse rate, bare server). Cairn's own benchmarks are added here as they land.
// Usage: node bench/run.mjs [--events 1000000] [--seed 1]
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

function run(script, scriptArgs) {
  console.log(`\n$ node --import tsx ${script} ${scriptArgs.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...scriptArgs], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(new URL('out/data/manifest.json', import.meta.url))) {
  run('bench/generate.ts', ['--events', opt('--events', '1000000'), '--out', 'bench/out/data', '--seed', opt('--seed', '1')]);
}
run('bench/baseline.ts', ['--data', 'bench/out/data']);
