export { openSqliteStore } from './open.js';
export type { SqliteStoreOptions } from './open.js';
export { BusyWriter } from './writer-thread.js';
export type { ServerWrites } from './writer-thread.js';
