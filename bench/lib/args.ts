/** Small helpers for the bench programs' command lines (on top of node:util parseArgs). */
import { pathToFileURL } from 'node:url';

/** "1000000", "1e6", "1_000_000", "1M", "500k" → number. */
export function parseCount(text: string, what = 'count'): number {
  const m = /^([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)([kKmMgG]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid ${what}: ${text}`);
  const base = Number(m[1]!.replace(/_/g, ''));
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9 }[m[2]!] ?? 1;
  const n = Math.round(base * mult);
  if (!Number.isFinite(n) || n < 0) throw new Error(`invalid ${what}: ${text}`);
  return n;
}

export function parseNumber(text: string | undefined, fallback: number, what = 'number'): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`invalid ${what}: ${text}`);
  return n;
}

/** True when the module at `metaUrl` is the program node was started with (not an import). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === metaUrl;
}

/** Runs an async main, printing errors without a stack for usage mistakes. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (process.env.BENCH_DEBUG ? err.stack : `error: ${err.message}`) : err);
    process.exit(1);
  });
}
