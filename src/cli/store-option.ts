import { readFileSync } from 'node:fs';
import { Option } from 'commander';

/** `--store postgres://...` (or CAIRN_STORE): the shared store of several nodes; SQLite in --data-dir when absent. */
export const storeOption = (): Option =>
  new Option('--store <url>', 'postgres://... : the PostgreSQL store shared by several nodes (default: SQLite in --data-dir)').env('CAIRN_STORE');

/** The `"store"` member of a `--config` file, if any. */
export function configFileStore(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { store?: unknown } | null;
  if (parsed?.store === undefined) return undefined;
  if (typeof parsed.store !== 'string') throw new Error(`${path}: "store" must be a postgres:// URL`);
  return parsed.store;
}
