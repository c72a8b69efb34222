export { eventStoreSuite, entry, record } from './event-store-suite.js';
export type { StoreFactory } from './event-store-suite.js';
export { trailStoreSuite } from './trail-store-suite.js';
export { lakeStateSuite } from './lake-state-suite.js';
