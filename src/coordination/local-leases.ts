import type { JobLeases } from './types.js';

/** One process owns the store (SQLite): every lease is its own. */
export class LocalLeases implements JobLeases {
  hold(): Promise<boolean> {
    return Promise.resolve(true);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
