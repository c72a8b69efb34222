export type { JobLeases } from './types.js';
export { LocalLeases } from './local-leases.js';
export { PostgresLeases } from './postgres-leases.js';
export type { PostgresLeaseOptions } from './postgres-leases.js';
export { leaseKey, LEASE_NAMESPACE } from './lease-key.js';
