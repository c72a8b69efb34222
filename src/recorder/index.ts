export { buildRecord, toRecordMembers } from './record-builder.js';
export type { ApiCall } from './record-builder.js';
export { redact, isSecretMember, HIDDEN } from './redact.js';
