import { createHash } from 'node:crypto';
import { AwsError } from '../../api/index.js';
import type { LakeStateStore } from '../../store/index.js';
import type { ChannelDoc, EventDataStoreDoc, LakeBackend } from '../cloudtrail/index.js';
import { CUSTOM_SOURCE, parseChannelArn } from '../cloudtrail/index.js';
import type { CallContext } from '../cloudtrail/index.js';
import type { AuditEventErrorCode, EventData } from './audit-event-schema.js';
import { checkEventData } from './audit-event-schema.js';

/** At most this many events per call (AWS's limit; the 1 MB body limit is the endpoint's). */
export const MAX_AUDIT_EVENTS = 100;
/** AWS's eventVersion of the records Lake keeps for custom events. */
const AUDIT_EVENT_VERSION = '1.0';
const EVENT_ID = /^[-_A-Za-z0-9]{1,128}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const CHANNEL_ID = /^[a-zA-Z0-9._-]{1,128}$/;

export interface PutAuditEventsRequest {
  /** Query parameters `channelArn` and `externalId` as sent. */
  channelArn: string | undefined;
  externalId: string | undefined;
  /** The decoded JSON body. */
  body: Record<string, unknown>;
}

export interface PutAuditEventsOutput {
  successful: { id: string; eventID: string }[];
  failed: { id: string; errorCode: AuditEventErrorCode; errorMessage: string }[];
}

export interface AuditEventsDeps {
  state: LakeStateStore;
  backend: Pick<LakeBackend, 'writeAuditEvents'>;
  newId: () => string;
}

interface AuditEventInput {
  id: string;
  eventData: string;
  eventDataChecksum?: string;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** `yyyy-MM-ddTHH:mm:ssZ`: how CloudTrail writes eventTime and ingestionTime. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** AWS documents base64(SHA-256); a hex SHA-256 is taken too, for tools that compute that. */
function checksumMatches(eventData: string, checksum: string): boolean {
  const digest = createHash('sha256').update(eventData, 'utf8').digest();
  return checksum === digest.toString('base64') || checksum.toLowerCase() === digest.toString('hex');
}

function parseEvents(body: Record<string, unknown>): AuditEventInput[] {
  const list = body.auditEvents;
  if (list === undefined || list === null) throw validation('auditEvents is required.');
  if (!Array.isArray(list)) throw validation('auditEvents must be a list.');
  if (list.length < 1 || list.length > MAX_AUDIT_EVENTS) throw validation(`auditEvents must hold 1 to ${MAX_AUDIT_EVENTS} events; it holds ${list.length}.`);
  return list.map((raw: unknown, i): AuditEventInput => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw validation(`auditEvents[${i}] must be an object.`);
    const { id, eventData, eventDataChecksum } = raw as Record<string, unknown>;
    if (typeof id !== 'string' || !EVENT_ID.test(id)) throw validation(`auditEvents[${i}].id must be 1 to 128 letters, digits, hyphens and underscores.`);
    if (typeof eventData !== 'string') throw validation(`auditEvents[${i}].eventData is required and must be a string.`);
    if (eventDataChecksum !== undefined && eventDataChecksum !== null && typeof eventDataChecksum !== 'string') {
      throw validation(`auditEvents[${i}].eventDataChecksum must be a string.`);
    }
    return { id, eventData, ...(typeof eventDataChecksum === 'string' ? { eventDataChecksum } : {}) };
  });
}

/**
 * The channel PutAuditEvents names by ARN or id: a channel of another account is refused
 * (Cairn has no channel resource policies), one of another region does not exist here.
 */
async function findChannel(state: LakeStateStore, ref: string, ctx: CallContext): Promise<ChannelDoc> {
  let id = ref;
  if (ref.startsWith('arn:')) {
    const arn = parseChannelArn(ref);
    if (!arn) throw new AwsError('InvalidChannelARN', `${ref} is not a valid channel ARN.`);
    if (arn.accountId !== ctx.accountId) throw new AwsError('ChannelInsufficientPermission', `Account ${ctx.accountId} does not own the channel ${ref}.`);
    if (arn.region !== ctx.region) throw new AwsError('ChannelNotFound', `The channel ${ref} does not exist in ${ctx.region}.`);
    id = arn.id;
  } else if (!CHANNEL_ID.test(ref)) {
    throw new AwsError('InvalidChannelARN', `${ref} is not a valid channel ARN or ID.`);
  }
  const channel = await state.get<ChannelDoc>('channel', id);
  if (!channel || channel.region !== ctx.region) throw new AwsError('ChannelNotFound', `The channel ${ref} does not exist.`);
  if (channel.accountId !== ctx.accountId) throw new AwsError('ChannelInsufficientPermission', `Account ${ctx.accountId} does not own the channel ${ref}.`);
  return channel;
}

/** The record Lake keeps for an accepted event: CloudTrail's fields around the caller's eventData. */
export function auditRecord(event: EventData, eventTimeMs: number, eventID: string, channel: ChannelDoc, ingestedAt: number): Record<string, unknown> {
  return {
    eventVersion: AUDIT_EVENT_VERSION,
    eventCategory: 'ActivityAuditLog',
    eventType: 'ActivityLog',
    eventID,
    eventTime: isoSeconds(eventTimeMs),
    awsRegion: channel.region,
    recipientAccountId: event.recipientAccountId,
    eventData: event,
    metadata: { ingestionTime: isoSeconds(ingestedAt), channelARN: channel.arn },
  };
}

/**
 * PutAuditEvents (`cloudtrail-data`): checks the request, each event against the schema and its
 * checksum, writes the accepted events into every destination store of the channel and answers
 * only once they are durable.
 */
export class AuditEventsService {
  constructor(private readonly deps: AuditEventsDeps) {}

  async putAuditEvents(request: PutAuditEventsRequest, ctx: CallContext): Promise<PutAuditEventsOutput> {
    if (request.channelArn === undefined || request.channelArn === '') throw validation('channelArn is required.');
    if (request.externalId !== undefined && !EXTERNAL_ID.test(request.externalId)) {
      throw validation('externalId must be 2 to 1224 letters, digits and + = , . @ : / - _ characters.');
    }
    const events = parseEvents(request.body);
    const channel = await findChannel(this.deps.state, request.channelArn, ctx);
    if (channel.source !== CUSTOM_SOURCE) throw new AwsError('ChannelUnsupportedSchema', `Channel ${channel.arn} takes events of ${channel.source}, not custom events.`);
    const ids = new Set<string>();
    for (const e of events) {
      if (ids.has(e.id)) throw new AwsError('DuplicatedAuditEventId', `The event id ${e.id} appears more than once in the request.`);
      ids.add(e.id);
    }

    const output: PutAuditEventsOutput = { successful: [], failed: [] };
    const records: Record<string, unknown>[] = [];
    for (const e of events) {
      if (e.eventDataChecksum !== undefined && !checksumMatches(e.eventData, e.eventDataChecksum)) {
        output.failed.push({ id: e.id, errorCode: 'InvalidChecksum', errorMessage: 'eventDataChecksum is not the base64 SHA-256 of eventData.' });
        continue;
      }
      const checked = checkEventData(e.eventData, channel.accountId);
      if (!checked.ok) {
        output.failed.push({ id: e.id, errorCode: checked.errorCode, errorMessage: checked.errorMessage });
        continue;
      }
      const eventID = this.deps.newId();
      records.push(auditRecord(checked.event, checked.eventTimeMs, eventID, channel, ctx.now));
      output.successful.push({ id: e.id, eventID });
    }

    if (records.length > 0) {
      for (const store of await this.destinationStores(channel)) await this.deps.backend.writeAuditEvents(store.id, records);
    }
    await this.noteIngestion(channel, output, request.externalId, ctx.now);
    return output;
  }

  /** The channel's stores that still exist; DeleteEventDataStore refuses a store a channel delivers to. */
  private async destinationStores(channel: ChannelDoc): Promise<EventDataStoreDoc[]> {
    const stores: EventDataStoreDoc[] = [];
    for (const d of channel.destinations) {
      const store = await this.deps.state.get<EventDataStoreDoc>('eventDataStore', d.location.split('/').pop()!);
      if (store && store.audit && store.status !== 'PENDING_DELETION') stores.push(store);
    }
    return stores;
  }

  /** GetChannel's IngestionStatus: the latest attempt and the latest success. */
  private async noteIngestion(channel: ChannelDoc, output: PutAuditEventsOutput, externalId: string | undefined, now: number): Promise<void> {
    const current = await this.deps.state.get<ChannelDoc>('channel', channel.id);
    if (!current) return;
    const lastSuccess = output.successful.at(-1);
    const firstFailure = output.failed[0];
    const ingestion = { ...current.ingestion, latestAttemptTime: now };
    if (lastSuccess) {
      ingestion.latestAttemptEventId = lastSuccess.eventID;
      ingestion.latestSuccessTime = now;
      ingestion.latestSuccessEventId = lastSuccess.eventID;
    }
    if (firstFailure) ingestion.latestErrorCode = firstFailure.errorCode;
    else delete ingestion.latestErrorCode;
    if (externalId !== undefined) ingestion.latestExternalId = externalId;
    await this.deps.state.put('channel', current.id, current.accountId, { ...current, ingestion });
  }
}
