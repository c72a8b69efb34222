/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and prints where the time went: the functions with the
 * most self time, the most inclusive time, and optionally the self time under one function (what a
 * step is made of). The server's profile under load is how every speed change in BENCHMARKS.md was
 * aimed.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/cli/main.js serve ...      # then load it, stop it
 *   node --import tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top 30] [--under walkChunks]
 *
 * A server writes one profile per thread; the main thread's is the largest file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isMain, parseNumber, runMain } from './lib/args.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Function → ms, largest first. */
  self: [string, number][];
  inclusive: [string, number][];
}

/** "name path:line", the path cut to what follows src/, dist/ or node_modules/. */
function label(node: ProfileNode): string {
  const f = node.callFrame;
  return `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\/(src|dist|node_modules)\//, '$1/')}:${f.lineNumber}`;
}

/** Self and inclusive time per function; with `under`, only samples below a function whose label starts with it. */
export function summarise(profile: CpuProfile, under?: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((sample, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const stack: string[] = [];
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) stack.push(label(byId.get(id)!));
    if (under !== undefined && !stack.some((name) => name.startsWith(under))) return;
    total += micros;
    self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + micros);
    // A recursive function counts once per sample.
    for (const name of new Set(stack)) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  });
  const sorted = (m: Map<string, number>): [string, number][] => [...m].map(([k, v]): [string, number] => [k, v / 1000]).sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, self: sorted(self), inclusive: sorted(inclusive) };
}

function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, under: { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: bench/profile-summary.ts PROFILE.cpuprofile [--top N] [--under FUNCTION]');
  const top = parseNumber(values.top, 30, '--top');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const all = summarise(profile).totalMs;
  const summary = summarise(profile, values.under);
  const line = ([name, ms]: [string, number]): string => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / all).toFixed(1).padStart(5)} %  ${name}`;
  console.log(`${file}: ${all.toFixed(0)} ms sampled${values.under ? `; under ${values.under}: ${summary.totalMs.toFixed(0)} ms` : ''} (percentages of all)`);
  console.log('-- self');
  for (const row of summary.self.slice(0, top)) console.log(line(row));
  if (values.under === undefined) {
    console.log('-- inclusive');
    for (const row of summary.inclusive.slice(0, top)) console.log(line(row));
  }
  return Promise.resolve();
}

if (isMain(import.meta.url)) runMain(main);
