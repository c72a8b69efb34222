/**
 * The first half of `cairn import` alone: Cairn's archive reader (read, gunzip, the byte-exact record
 * splitter, JSON.parse, the journal entry's fields) over every file, with nothing stored. Beside the
 * parse rate and the whole import it shows how the import's time splits between reading and storing.
 *
 * CLI: node --import tsx bench/lib/reader-rate.ts DIR    (prints {"events":N,"seconds":S})
 */
import { readArchive } from '../../src/import/index.js';
import { isMain, runMain } from './args.js';

export async function readWholeArchive(dir: string): Promise<{ events: number; seconds: number }> {
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
