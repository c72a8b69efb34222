/** Reading /proc/<pid>/stat (Linux): the kernel's CPU accounting of a process or of one of its threads. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`, usually 100). */
export function clkTck(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat (or of one thread's, /proc/<pid>/task/<tid>/stat) after the `(comm)` field, which may contain spaces. */
export function statFields(pid: number | 'self', tid?: number): string[] {
  const text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** User and system CPU milliseconds used so far by a process, or by one of its threads. */
export function cpuTimes(pid: number | 'self', tid?: number): { userMs: number; systemMs: number } {
  const f = statFields(pid, tid);
  // After "(comm)": state=0 … utime=11, stime=12 (fields 14 and 15 of proc(5)).
  const tick = 1000 / clkTck();
  return { userMs: Number(f[11]) * tick, systemMs: Number(f[12]) * tick };
}
