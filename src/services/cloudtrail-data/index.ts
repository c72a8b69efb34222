export { AuditEventsService, MAX_AUDIT_EVENTS, auditRecord } from './put-audit-events.js';
export type { AuditEventsDeps, PutAuditEventsOutput, PutAuditEventsRequest } from './put-audit-events.js';
export { checkEventData, parseEventTime, isIpAddress } from './audit-event-schema.js';
export type { AuditEventErrorCode, EventData, EventDataCheck } from './audit-event-schema.js';
