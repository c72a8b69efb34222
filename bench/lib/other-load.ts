/**
 * What else is using the CPU: a sample of /proc over a short window, taken before a benchmark starts.
 * A process left spinning (a forgotten server, a stuck shell) halves what a 2-core machine can give
 * the benchmark, and the load average alone does not say which process it is or that it is not ours.
 *
 *   const load = await sampleOtherLoad();          // undefined where there is no /proc
 *   console.log(describeOtherLoad(load));
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface OtherLoad {
  /** CPU the whole machine used over the window, in cores (all processes but this one). */
  busyCores: number;
  /** The busiest other processes over the window, busiest first. */
  top: { pid: number; command: string; cores: number }[];
}

/** Above this much CPU used by others, a benchmark's absolute figures are not comparable. */
export const BUSY_CORES = 0.2;

interface ProcessTicks {
  command: string;
  ticks: number;
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

function processTicks(): Map<number, ProcessTicks> {
  const out = new Map<number, ProcessTicks>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command sits in parentheses and may itself hold spaces or parentheses.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.set(Number(name), { command: args || stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}

/** Samples every process's CPU over `windowMs`; undefined where /proc is not there. */
export async function sampleOtherLoad(windowMs = 1000): Promise<OtherLoad | undefined> {
  let before: Map<number, ProcessTicks>;
  try {
    before = processTicks();
  } catch {
    return undefined;
  }
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = processTicks();
  const seconds = (performance.now() - started) / 1000;
  const used: OtherLoad['top'] = [];
  for (const [pid, now] of after) {
    if (pid === process.pid) continue;
    const ticks = now.ticks - (before.get(pid)?.ticks ?? now.ticks);
    if (ticks > 0) used.push({ pid, command: now.command.slice(0, 120), cores: ticks / TICKS_PER_SECOND / seconds });
  }
  used.sort((a, b) => b.cores - a.cores);
  const busyCores = used.reduce((sum, p) => sum + p.cores, 0);
  return { busyCores: Math.round(busyCores * 100) / 100, top: used.slice(0, 5).map((p) => ({ ...p, cores: Math.round(p.cores * 100) / 100 })) };
}

/** One line for the report: quiet, or a warning naming the busiest processes. */
export function describeOtherLoad(load: OtherLoad | undefined): string {
  if (!load) return 'other load before the run: unknown (no /proc)';
  if (load.busyCores < BUSY_CORES) return `other load before the run: ${load.busyCores} cores (quiet)`;
  const names = load.top.map((p) => `pid ${p.pid} ${p.cores} cores: ${p.command}`).join('; ');
  return `WARNING: other processes used ${load.busyCores} cores before the run; absolute figures are not comparable (${names})`;
}
