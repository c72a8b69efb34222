export { openPostgresStore } from './open.js';
export type { PostgresStoreOptions, PostgresCairnStore } from './open.js';
export { PostgresEventStore } from './pg-event-store.js';
