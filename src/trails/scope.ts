import type { StoredEvent } from '../records/index.js';
import type { SelectableEvent } from './selectors.js';
import { defaultEventSelectors, matchesAdvancedSelectors, matchesEventSelectors } from './selectors.js';
import type { TrailConfig } from './types.js';

/** Services whose events CloudTrail records in us-east-1 as global service events. */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'sts.amazonaws.com', 'cloudfront.amazonaws.com', 'route53.amazonaws.com', 'signin.amazonaws.com']);

/** Whether `event` falls in the trail's account and regions (before selectors). */
export function inTrailScope(trail: TrailConfig, event: Pick<StoredEvent, 'accountId' | 'region' | 'eventSource' | 'category'>): boolean {
  if (event.accountId !== trail.accountId) return false;
  // Insights go to their own files; trails' log files hold management, data and network activity events.
  if (event.category === 'Insight' || event.category === 'Other') return false;
  if (!trail.isMultiRegionTrail && event.region !== trail.homeRegion) return false;
  if (!trail.includeGlobalServiceEvents && event.region === 'us-east-1' && GLOBAL_SOURCES.has(event.eventSource)) return false;
  return true;
}

/** Fields selectors can read from the stored entry without parsing the record. */
const INDEXED_FIELDS = new Set(['eventCategory', 'readOnly', 'eventSource', 'eventName']);

/** Whether the trail logs `event`: in scope and matched by its selectors. */
export function trailLogs(trail: TrailConfig, event: StoredEvent): boolean {
  if (!inTrailScope(trail, event)) return false;
  // Parsing the record is the costly part of selection: skip it when the indexed fields decide.
  const needsRecord = trail.advancedEventSelectors
    ? trail.advancedEventSelectors.some((s) => s.FieldSelectors.some((f) => !INDEXED_FIELDS.has(f.Field)))
    : event.category !== 'Management';
  const selectable = needsRecord ? toSelectable(event) : indexedSelectable(event);
  if (trail.advancedEventSelectors) return matchesAdvancedSelectors(trail.advancedEventSelectors, selectable);
  return matchesEventSelectors(trail.eventSelectors ?? defaultEventSelectors(), selectable);
}

function indexedSelectable(event: StoredEvent): SelectableEvent {
  return { category: event.category, readOnly: event.readOnly, eventSource: event.eventSource, eventName: event.eventName, resources: [] };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : undefined;
}

/** The fields selectors read, from the stored entry and its record text. */
export function toSelectable(event: StoredEvent): SelectableEvent {
  let record: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(event.raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    // A record that is not JSON still has its indexed fields.
  }
  const identity = record.userIdentity && typeof record.userIdentity === 'object' ? (record.userIdentity as Record<string, unknown>) : {};
  const resources = Array.isArray(record.resources)
    ? (record.resources as unknown[]).flatMap((r) => (r && typeof r === 'object' ? [{ type: str((r as Record<string, unknown>).type), arn: str((r as Record<string, unknown>).ARN) }] : []))
    : [];
  return {
    category: event.category,
    readOnly: event.readOnly,
    eventSource: event.eventSource,
    eventName: event.eventName,
    eventType: str(record.eventType),
    errorCode: str(record.errorCode),
    vpcEndpointId: str(record.vpcEndpointId),
    userIdentityArn: str(identity.arn),
    sessionCredentialFromConsole: str(record.sessionCredentialFromConsole),
    resources,
  };
}
