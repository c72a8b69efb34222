import { SingleBar } from 'cli-progress';
import { importArchive } from '../import/index.js';
import { openObjectDecryptor, openConfiguredStore } from '../main.js';

export interface ImportFlags {
  dataDir: string;
  store?: string;
  accountId: string;
  region: string;
  kmsEndpoint?: string;
}

/** `cairn import`: works whether or not a server runs on the same data directory. */
export async function importCommand(paths: string[], flags: ImportFlags): Promise<void> {
  process.umask(0o077);
  const store = await openConfiguredStore(flags);
  // Log files a trail encrypted into a local bucket are read decrypted (the key comes from the KMS).
  const decryptor = openObjectDecryptor({ region: flags.region, kmsEndpoint: flags.kmsEndpoint });
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing {records} events | {rate} events/s | {mb} MB read | {file}', stream: process.stderr, hideCursor: true })
    : undefined;
  const started = Date.now();
  bar?.start(1, 0, { records: 0, rate: 0, mb: '0.0', file: '' });
  try {
    const summary = await importArchive(paths, store.events, {
      fallback: { accountId: flags.accountId, region: flags.region },
      decrypt: (path) => decryptor.read(path),
      readerThread: true,
      onProgress: (p) => {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        bar?.update(0, { records: p.records, rate: Math.round(p.records / seconds), mb: (p.bytes / 1e6).toFixed(1), file: p.file ?? '' });
      },
    });
    // Each batch leaves a partial chunk per partition and day it touched: merge them now, so the first
    // server to open the store does not spend its first seconds on it while it answers.
    const mergeStarted = process.hrtime.bigint();
    while ((await store.events.compact()) > 0);
    const seconds = summary.seconds + Number(process.hrtime.bigint() - mergeStarted) / 1e9;
    bar?.stop();
    for (const failed of summary.filesFailed) process.stderr.write(`skipped ${failed.file}: ${failed.reason}\n`);
    process.stdout.write(
      `imported ${summary.inserted} events (${summary.duplicates} duplicates skipped, ${summary.skipped} records not CloudTrail events) ` +
        `from ${summary.files} files (${summary.filesFailed.length} unreadable), ${(summary.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s` +
        ` (${Math.round(summary.records / Math.max(seconds, 0.001))} events/s)\n`,
    );
    if (summary.filesFailed.length > 0) process.exitCode = 2;
  } finally {
    bar?.stop();
    await store.close();
  }
}
