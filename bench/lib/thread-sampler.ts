/**
 * What a running process's threads spend, read from /proc while it runs (Linux): CPU per thread
 * and the bytes it wrote. A thread's figures are its last sample, so one that exits early keeps
 * what it had used by then. How `bench/import-ab.ts --threads` splits an import's CPU between its
 * reading, appending, GC and checkpoint threads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpuTimes } from './proc-stat.js';

export interface ThreadCpu {
  /** Kernel thread id: threads are numbered in the order they started (the main thread's is the pid). */
  tid: number;
  userMs: number;
  systemMs: number;
}

export interface ProcessUsage {
  threads: ThreadCpu[];
  /** Bytes passed to write calls (`wchar`), page cache included. */
  writtenBytes: number;
  /** Bytes the process caused to be sent to storage (`write_bytes`). */
  storageWriteBytes: number;
}

export interface ProcessWatch {
  /** Stops sampling; the usage as last seen (undefined if no sample ever succeeded). */
  stop(): ProcessUsage | undefined;
}

export function watchProcess(pid: number, everyMs = 200): ProcessWatch {
  const threads = new Map<number, ThreadCpu>();
  let io: { written: number; storage: number } | undefined;
  const sample = (): void => {
    try {
      for (const name of readdirSync(`/proc/${pid}/task`)) {
        const cpu = threadCpu(pid, Number(name));
        if (cpu) threads.set(cpu.tid, cpu);
      }
      io = processIo(pid) ?? io;
    } catch {
      // The process has just exited: keep the last sample.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      if (!io) return undefined;
      return { threads: [...threads.values()].sort((a, b) => a.tid - b.tid), writtenBytes: io.written, storageWriteBytes: io.storage };
    },
  };
}

function threadCpu(pid: number, tid: number): ThreadCpu | undefined {
  try {
    return { tid, ...cpuTimes(pid, tid) };
  } catch {
    return undefined;
  }
}

function processIo(pid: number): { written: number; storage: number } | undefined {
  try {
    const fields = new Map(
      readFileSync(`/proc/${pid}/io`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    return { written: Number(fields.get('wchar')), storage: Number(fields.get('write_bytes')) };
  } catch {
    return undefined;
  }
}
