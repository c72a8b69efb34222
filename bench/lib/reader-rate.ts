/**
 * The first half of `cairn import` alone: Cairn's archive reader (read, gunzip, the byte-exact record
 * splitter, JSON.parse, the journal entry's fields) over every file, with nothing stored. Beside the
 * parse rate and the whole import it shows how the import's time splits between reading and storing.
 *
 * It runs the built reader (dist/, after `npm run build`), the code `cairn import` runs.
 *
 * CLI: node --import tsx bench/lib/reader-rate.ts DIR    (prints {"events":N,"seconds":S})
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain, runMain } from './args.js';
import type * as ImportModule from '../../src/import/index.js';
import { REPO_ROOT } from './report.js';

export async function readWholeArchive(dir: string): Promise<{ events: number; seconds: number }> {
  const built = pathToFileURL(path.join(REPO_ROOT, 'dist', 'import', 'index.js')).href;
  const { readArchive } = (await import(built)) as typeof ImportModule;
  const started = performance.now();
  let events = 0;
  for await (const batch of readArchive([dir])) events += batch.entries.length;
  return { events, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: reader-rate.ts DIR');
  console.log(JSON.stringify(await readWholeArchive(dir)));
}

if (isMain(import.meta.url)) runMain(main);
