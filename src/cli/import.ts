import { SingleBar } from 'cli-progress';
import type { ImportProgress, ImportSummary } from '../import/index.js';
import { startModuleWorker } from '../import/index.js';
import type { ImportFlags } from './import-run.js';

export interface ImportThreadInput {
  paths: string[];
  flags: ImportFlags;
}

export type FromImportThread = { kind: 'progress'; progress: ImportProgress } | { kind: 'done'; summary: ImportSummary } | { kind: 'failed'; message: string };

/**
 * The import thread's young generation. An append keeps two batches of entries alive (the one being
 * written, the next one read), and with V8's default size scavenges copy them again and again; with
 * 192 MB a 1M import spends a third less time in them and runs about 10 % faster (BENCHMARKS.md).
 * A process sizes its main thread's only from a command-line flag, a worker's when it starts it.
 */
const IMPORT_YOUNG_GENERATION_MB = 192;

/** `cairn import`: works whether or not a server runs on the same data directory. */
export async function importCommand(paths: string[], flags: ImportFlags): Promise<void> {
  process.umask(0o077);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing {records} events | {rate} events/s | {mb} MB read | {file}', stream: process.stderr, hideCursor: true })
    : undefined;
  const started = Date.now();
  bar?.start(1, 0, { records: 0, rate: 0, mb: '0.0', file: '' });
  try {
    const summary = await importOnThread({ paths, flags }, (p) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar?.update(0, { records: p.records, rate: Math.round(p.records / seconds), mb: (p.bytes / 1e6).toFixed(1), file: p.file ?? '' });
    });
    bar?.stop();
    for (const failed of summary.filesFailed) process.stderr.write(`skipped ${failed.file}: ${failed.reason}\n`);
    process.stdout.write(
      `imported ${summary.inserted} events (${summary.duplicates} duplicates skipped, ${summary.skipped} records not CloudTrail events) ` +
        `from ${summary.files} files (${summary.filesFailed.length} unreadable), ${(summary.bytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(1)} s` +
        ` (${Math.round(summary.records / Math.max(summary.seconds, 0.001))} events/s)\n`,
    );
    if (summary.filesFailed.length > 0) process.exitCode = 2;
  } finally {
    bar?.stop();
  }
}

function importOnThread(input: ImportThreadInput, onProgress: (progress: ImportProgress) => void): Promise<ImportSummary> {
  const worker = startModuleWorker(new URL('./import-worker.js', import.meta.url), {
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: IMPORT_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: FromImportThread) => {
      // 'done' comes after the thread closed its store.
      if (message.kind === 'progress') onProgress(message.progress);
      else if (message.kind === 'done') resolve(message.summary);
      else reject(new Error(message.message));
    });
    worker.on('error', reject);
    worker.on('exit', () => reject(new Error('the import thread stopped before the end')));
  });
}
