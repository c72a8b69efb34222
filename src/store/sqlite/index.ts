export { openSqliteStore } from './open.js';
export type { SqliteStoreOptions } from './open.js';
