/**
 * Benchmark figures: pretty-printed to stdout and written as JSON to bench/out/results-<name>.json,
 * together with the machine they were measured on and the exact command that produced them.
 *
 *   const sections = [{ title: 'parse', figures: [{ name: 'events/s', value: 123456, unit: 'ev/s' }] }];
 *   await writeReport('baseline', sections, { raw: anything });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/out, wherever the process was started from. */
export const BENCH_OUT = fileURLToPath(new URL('../out/', import.meta.url));
/** The repository root (bench/..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  note?: string;
}

export interface Section {
  title: string;
  figures: Figure[];
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  release: string;
  /** 1-minute load average when the report was written: a noisy machine shows here. */
  loadAverage1m: number;
}

export interface Report {
  name: string;
  createdAt: string;
  command: string;
  machine: MachineInfo;
  sections: Section[];
  data?: unknown;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: process.platform,
    release: os.release(),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

/** The command line that started this process, relative to the repository root where possible. */
export function commandLine(): string {
  const rel = (p: string): string => {
    const r = path.relative(REPO_ROOT, path.resolve(p));
    return r.startsWith('..') ? p : r;
  };
  const script = process.argv[1] ? rel(process.argv[1]) : '';
  return ['node', ...process.execArgv, script, ...process.argv.slice(2)].filter((x) => x !== '').join(' ');
}

/** 1234567.8 → "1,234,568"; small numbers keep `digits` decimals. */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const d = Number.isInteger(value) || abs >= 1000 ? 0 : abs >= 100 ? Math.min(digits, 1) : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]!}`;
}

export function formatReport(report: Report): string {
  const lines: string[] = [];
  lines.push(`== ${report.name} == ${report.createdAt}`);
  lines.push(`command: ${report.command}`);
  const m = report.machine;
  lines.push(`machine: ${m.cpus} cpu (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}, load ${m.loadAverage1m}`);
  for (const section of report.sections) {
    lines.push('');
    lines.push(`-- ${section.title}`);
    const width = Math.max(...section.figures.map((f) => f.name.length), 4);
    const numeric = section.figures.filter((f) => typeof f.value === 'number').map((f) => fmt(f.value as number, 2));
    const vwidth = Math.max(...numeric.map((v) => v.length), 1);
    for (const f of section.figures) {
      const value = typeof f.value === 'number' ? fmt(f.value, 2).padStart(vwidth) : f.value;
      const unit = f.unit ? ` ${f.unit}` : '';
      const note = f.note ? `   (${f.note})` : '';
      lines.push(`  ${f.name.padEnd(width)}  ${value}${unit}${note}`);
    }
  }
  return lines.join('\n');
}

export interface WriteReportOptions {
  /** Directory for results-<name>.json (default bench/out). */
  outDir?: string;
  /** Print the pretty form to stdout (default true). */
  print?: boolean;
}

/** Prints the report and writes bench/out/results-<name>.json; returns the path and the report. */
export async function writeReport(
  name: string,
  sections: Section[],
  data?: unknown,
  options: WriteReportOptions = {},
): Promise<{ path: string; report: Report }> {
  const report: Report = {
    name,
    createdAt: new Date().toISOString(),
    command: commandLine(),
    machine: machineInfo(),
    sections,
    ...(data === undefined ? {} : { data }),
  };
  const dir = options.outDir ?? BENCH_OUT;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `results-${name}.json`);
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  if (options.print !== false) {
    console.log(formatReport(report));
    console.log(`\nwritten: ${path.relative(process.cwd(), file) || file}`);
  }
  return { path: file, report };
}

/** a / b, for "x times the baseline" figures; NaN when b is 0. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}
