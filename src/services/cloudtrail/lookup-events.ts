import { AwsError, JsonText, cloudtrailModel } from '../../api/index.js';
import type { EventCategory, StoredEvent } from '../../records/index.js';
import type { AttributeFilter, EventQuery, EventStore, LookupAttributeKey } from '../../store/index.js';
import type { Input } from './input.js';
import { asStructure, optionalInteger, optionalList, optionalString, optionalTimestamp } from './input.js';
import type { PageTokens } from './page-token.js';
import type { CallContext } from './types.js';

const { shapes } = cloudtrailModel;
const ATTRIBUTE_KEYS: readonly string[] = shapes.LookupAttributeKey.enum;
const MAX_VALUE_WEIGHT = shapes.LookupAttributeValue.max;
const MIN_RESULTS = shapes.MaxResults.min;
const MAX_RESULTS = shapes.MaxResults.max;
/** Insights events answer only to these attributes (AWS's documented rule). */
const INSIGHT_KEYS = new Set<string>(['EventId', 'EventName', 'EventSource']);

/** `_`, space, `,` and newline count twice towards the 2000-character limit. */
export function attributeValueWeight(value: string): number {
  let weight = 0;
  for (const ch of value) weight += ch === '_' || ch === ' ' || ch === ',' || ch === '\n' ? 2 : 1;
  return weight;
}

export function parseAttribute(item: unknown): AttributeFilter {
  const attribute = asStructure(item, 'LookupAttributes member');
  const key = optionalString(attribute, 'AttributeKey');
  const value = optionalString(attribute, 'AttributeValue');
  if (key === undefined || !ATTRIBUTE_KEYS.includes(key)) {
    throw new AwsError(
      'InvalidLookupAttributesException',
      `Invalid attribute key: ${key ?? '(none)'}. Valid keys are ${ATTRIBUTE_KEYS.join(', ')}.`,
    );
  }
  if (value === undefined || value.length === 0) {
    throw new AwsError('InvalidLookupAttributesException', `The value for the attribute key ${key} cannot be empty.`);
  }
  if (attributeValueWeight(value) > MAX_VALUE_WEIGHT) {
    throw new AwsError('InvalidLookupAttributesException', `The value for the attribute key ${key} is longer than ${MAX_VALUE_WEIGHT} characters.`);
  }
  return { key: key as LookupAttributeKey, value };
}

export function parseTimeRange(input: Input, now: number): { startTime?: number; endTime?: number } {
  const startTime = optionalTimestamp(input, 'StartTime');
  const endTime = optionalTimestamp(input, 'EndTime');
  if (startTime !== undefined && startTime > (endTime ?? now)) {
    throw new AwsError('InvalidTimeRangeException', 'Start time must be before end time.');
  }
  return { startTime, endTime };
}

/** The LookupEvents `Event` shape for a stored event. */
export function toWireEvent(event: StoredEvent): Record<string, unknown> {
  const wire: Record<string, unknown> = { EventId: event.eventId, EventName: event.eventName };
  if (event.readOnly !== undefined) wire.ReadOnly = String(event.readOnly);
  if (event.accessKeyId !== undefined) wire.AccessKeyId = event.accessKeyId;
  wire.EventTime = event.eventTime / 1000;
  wire.EventSource = event.eventSource;
  if (event.username !== undefined) wire.Username = event.username;
  wire.Resources = event.resources.map((r) => (r.type === undefined ? { ResourceName: r.name } : { ResourceType: r.type, ResourceName: r.name }));
  wire.CloudTrailEvent = event.raw;
  return wire;
}

/**
 * Events as reply JSON, encoded once per stored event object. The SQLite store hands out one frozen
 * object per event while its chunk is cached, so a hot event is escaped and encoded once, not on
 * every page that shows it; the entry goes when the store lets go of the object.
 */
const encodedEvents = new WeakMap<StoredEvent, JsonText>();

function encodedWireEvent(event: StoredEvent): JsonText {
  let encoded = encodedEvents.get(event);
  if (!encoded) {
    encoded = new JsonText(JSON.stringify(toWireEvent(event)));
    encodedEvents.set(event, encoded);
  }
  return encoded;
}

/** Runs an event query one page at a time, with signed continuation tokens. */
export async function queryPage(
  events: EventStore,
  tokens: PageTokens,
  query: Omit<EventQuery, 'after'>,
  nextToken: string | undefined,
): Promise<Record<string, unknown>> {
  const scope = JSON.stringify({ ...query, limit: undefined });
  const after = nextToken === undefined ? undefined : tokens.read(nextToken, scope);
  const page = await events.query(after ? { ...query, after } : query);
  const output: Record<string, unknown> = { Events: page.events.map(encodedWireEvent) };
  if (page.next) output.NextToken = tokens.issue(page.next, scope);
  return output;
}

export async function lookupEvents(input: Input, ctx: CallContext, events: EventStore, tokens: PageTokens): Promise<Record<string, unknown>> {
  const attributes = (optionalList(input, 'LookupAttributes') ?? []).map(parseAttribute);
  if (attributes.length > 1) {
    throw new AwsError('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
  }
  const category = optionalString(input, 'EventCategory');
  if (category !== undefined && category !== 'insight') {
    throw new AwsError('InvalidEventCategoryException', `Invalid EventCategory ${category}. The only valid value is insight.`);
  }
  const maxResults = optionalInteger(input, 'MaxResults') ?? MAX_RESULTS;
  if (maxResults < MIN_RESULTS || maxResults > MAX_RESULTS) {
    throw new AwsError('InvalidMaxResultsException', `MaxResults must be between ${MIN_RESULTS} and ${MAX_RESULTS}; got ${maxResults}.`);
  }
  const range = parseTimeRange(input, ctx.now);
  const categories: EventCategory[] = category === 'insight' ? ['Insight'] : ['Management'];
  if (category === 'insight' && attributes.some((a) => !INSIGHT_KEYS.has(a.key))) {
    return { Events: [] };
  }
  const query: Omit<EventQuery, 'after'> = {
    accountId: ctx.accountId,
    region: ctx.region,
    categories,
    attributes,
    ...range,
    limit: maxResults,
  };
  return queryPage(events, tokens, query, optionalString(input, 'NextToken'));
}
