/**
 * Process helpers for benchmarking Cairn as a separate program (Linux /proc):
 *  - `spawnServer`: start a server process, wait for its URL on stdout, stop it later;
 *  - `processCpuMs`: CPU time used so far by any process id (user + system);
 *  - `runTimed`: run a command to completion; exact wall and CPU time of it and its children
 *    (import benchmarks: `cairn import <dir>` vs `measureParseRate`);
 *  - `dirSize`: bytes a directory holds (storage benchmarks vs the .json.gz archive);
 *  - `createAccessKey`: `cairn keys create` on a data directory, the key to sign with.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { clkTck, cpuTimes, statFields } from './proc-stat.js';
import type { ProcessUsage } from './thread-sampler.js';
import { watchProcess } from './thread-sampler.js';

/** CPU milliseconds (user + system) used so far by a running process. */
export function processCpuMs(pid: number): number {
  const { userMs, systemMs } = cpuTimes(pid);
  return userMs + systemMs;
}

/** CPU milliseconds of this process's reaped children (cutime + cstime). */
function reapedChildrenCpuMs(): number {
  const f = statFields('self');
  return ((Number(f[13]) + Number(f[14])) * 1000) / clkTck();
}

export interface TimedRun {
  exitCode: number | null;
  wallMs: number;
  /** CPU of the command and every descendant it waited for (exact, from the kernel's accounting). */
  cpuMs: number;
  stdout: string;
  stderr: string;
  /** With `watchThreads`: the command's CPU per thread and the bytes it wrote, as last sampled. */
  usage?: ProcessUsage;
}

/**
 * Runs a command to completion and measures it. Do not run other child processes at the same
 * time (their CPU would be counted too).
 */
export function runTimed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; watchThreads?: boolean } = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const cpu0 = reapedChildrenCpuMs();
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const watch = options.watchThreads && child.pid !== undefined ? watchProcess(child.pid) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      const usage = watch?.stop();
      resolve({ exitCode: code, wallMs: performance.now() - t0, cpuMs: reapedChildrenCpuMs() - cpu0, stdout, stderr, ...(usage ? { usage } : {}) });
    });
  });
}

export interface ServerProcess {
  pid: number;
  /** First match group of `readyPattern` (e.g. the URL), or the whole matching line. */
  url: string;
  child: ChildProcess;
  /** CPU ms used by the server process so far. */
  cpuMs(): number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnServerOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Matched against stdout+stderr; group 1 becomes `url`. Default: the first http://host:port. */
  readyPattern?: RegExp;
  timeoutMs?: number;
}

/** Starts a server process and resolves once it prints something matching `readyPattern`. */
export function spawnServer(o: SpawnServerOptions): Promise<ServerProcess> {
  const pattern = o.readyPattern ?? /(https?:\/\/[\w.[\]:-]+:\d+)/;
  return new Promise((resolve, reject) => {
    const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const timer = setTimeout(() => {
      if (!ready) {
        child.kill('SIGKILL');
        reject(new Error(`server not ready after ${o.timeoutMs ?? 30_000} ms; output:\n${out}`));
      }
    }, o.timeoutMs ?? 30_000);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const onData = (c: Buffer): void => {
      out += c.toString();
      if (ready) return;
      const m = pattern.exec(out);
      if (m) {
        ready = true;
        clearTimeout(timer);
        const pid = child.pid!;
        resolve({
          pid,
          url: m[1] ?? m[0],
          child,
          cpuMs: () => processCpuMs(pid),
          output: () => out,
          stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    void exited.then((code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before it was ready; output:\n${out}`));
      }
    });
  });
}

export interface DirSize {
  files: number;
  /** Sum of file sizes. */
  bytes: number;
  /** Disk actually allocated (st_blocks × 512): what `du` shows. */
  allocatedBytes: number;
}

/** Size of everything under a directory (symlinks not followed). */
export async function dirSize(dir: string): Promise<DirSize> {
  const out: DirSize = { files: 0, bytes: 0, allocatedBytes: 0 };
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = await lstat(path.join(e.parentPath, e.name));
    out.files++;
    out.bytes += st.size;
    out.allocatedBytes += st.blocks * 512;
  }
  return out;
}

/** Runs `<cli> keys create` on a data directory and returns the key it printed, to sign requests with. */
export function createAccessKey(cli: string, dataDir: string, accountId: string): { accessKeyId: string; secretAccessKey: string } {
  const printed = execFileSync(process.execPath, [cli, 'keys', 'create', '--data-dir', dataDir, '--account-id', accountId], { encoding: 'utf8' });
  const value = (name: string): string => {
    const found = new RegExp(`${name}=(\\S+)`).exec(printed)?.[1];
    if (found === undefined) throw new Error(`keys create printed no ${name}: ${printed}`);
    return found;
  };
  return { accessKeyId: value('AWS_ACCESS_KEY_ID'), secretAccessKey: value('AWS_SECRET_ACCESS_KEY') };
}
