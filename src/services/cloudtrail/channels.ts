import { AwsError } from '../../api/index.js';
import type { LakeStateStore } from '../../store/index.js';
import type { Tag } from '../../trails/index.js';
import type { LakeDeps, LakeHandler } from './event-data-stores.js';
import { STORE_ARN } from './event-data-stores.js';
import type { Input } from './input.js';
import { asStructure, optionalInteger, optionalList, optionalString, requiredString } from './input.js';
import type { EventDataStoreDoc } from './lake-types.js';
import type { TaggedResourceKind } from './tags.js';
import { parseTags, resourceNotFound } from './tags.js';
import type { CallContext, OperationOutput } from './types.js';

/** Channels of a region (AWS's quota). */
const MAX_CHANNELS_PER_REGION = 25;
const MAX_DESTINATIONS = 200;
const MAX_TAGS = 200;
const NAME = /^[a-zA-Z0-9._-]{3,128}$/;
/** What GetChannel/UpdateChannel/DeleteChannel accept as `Channel`: an ARN or its id suffix. */
const CHANNEL_REF = /^[a-zA-Z0-9._/:-]{3,256}$/;
const CHANNEL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):channel\/([a-zA-Z0-9._-]+)$/;
/** Cairn takes events from applications of its users; partner sources need the partner's own integration. */
export const CUSTOM_SOURCE = 'Custom';

export interface ChannelDestination {
  type: 'EVENT_DATA_STORE';
  /** The destination store's ARN. */
  location: string;
}

/** The latest PutAuditEvents on a channel, as GetChannel's IngestionStatus reports it. */
export interface ChannelIngestion {
  latestSuccessTime?: number;
  latestSuccessEventId?: string;
  latestErrorCode?: string;
  latestAttemptTime?: number;
  latestAttemptEventId?: string;
  /** The externalId of the latest PutAuditEvents (Cairn keeps it; it checks no resource policy). */
  latestExternalId?: string;
}

/** A channel as kept in the Lake state store (kind `channel`). */
export interface ChannelDoc {
  id: string;
  arn: string;
  accountId: string;
  region: string;
  name: string;
  source: string;
  destinations: ChannelDestination[];
  tags: Tag[];
  ingestion: ChannelIngestion;
  createdAt: number;
  updatedAt: number;
}

export function channelArn(region: string, accountId: string, id: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:channel/${id}`;
}

/** Parses a channel ARN; undefined when the text is not one. */
export function parseChannelArn(text: string): { region: string; accountId: string; id: string } | undefined {
  const m = CHANNEL_ARN.exec(text);
  return m ? { region: m[1]!, accountId: m[2]!, id: m[3]! } : undefined;
}

const seconds = (ms: number): number => ms / 1000;

function destinationsView(c: ChannelDoc): OperationOutput[] {
  return c.destinations.map((d) => ({ Type: d.type, Location: d.location }));
}

function ingestionView(i: ChannelIngestion): OperationOutput {
  return {
    ...(i.latestSuccessTime !== undefined ? { LatestIngestionSuccessTime: seconds(i.latestSuccessTime) } : {}),
    ...(i.latestSuccessEventId ? { LatestIngestionSuccessEventID: i.latestSuccessEventId } : {}),
    ...(i.latestErrorCode ? { LatestIngestionErrorCode: i.latestErrorCode } : {}),
    ...(i.latestAttemptTime !== undefined ? { LatestIngestionAttemptTime: seconds(i.latestAttemptTime) } : {}),
    ...(i.latestAttemptEventId ? { LatestIngestionAttemptEventID: i.latestAttemptEventId } : {}),
  };
}

function pageToken(offset: number): string {
  return Buffer.from(`channels:${offset}`).toString('base64url');
}

function readPageToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = token.length >= 4 && token.length <= 1000 ? /^channels:(\d+)$/.exec(Buffer.from(token, 'base64url').toString()) : null;
  if (!m) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return Number(m[1]);
}

/** The channel a `Channel` member names, in the caller's account and region. */
export async function findChannel(state: LakeStateStore, ref: string, ctx: CallContext): Promise<ChannelDoc> {
  let id = ref;
  if (ref.startsWith('arn:')) {
    const arn = parseChannelArn(ref);
    if (!arn) throw new AwsError('ChannelARNInvalidException', `The channel ARN ${ref} is not valid.`);
    if (arn.region !== ctx.region || arn.accountId !== ctx.accountId) throw new AwsError('ChannelNotFoundException', `The channel ${ref} does not exist.`);
    id = arn.id;
  } else if (!CHANNEL_REF.test(ref)) {
    throw new AwsError('ChannelARNInvalidException', `The channel ARN or ID ${ref} is not valid.`);
  }
  const found = await state.get<ChannelDoc>('channel', id);
  if (!found || found.accountId !== ctx.accountId || found.region !== ctx.region) throw new AwsError('ChannelNotFoundException', `The channel ${ref} does not exist.`);
  return found;
}

export function channelHandlers(deps: LakeDeps): Record<string, LakeHandler> {
  const { state } = deps;

  async function regionChannels(ctx: CallContext): Promise<ChannelDoc[]> {
    return (await state.list<ChannelDoc>('channel', ctx.accountId)).filter((c) => c.region === ctx.region);
  }

  function channelName(value: string): string {
    if (!NAME.test(value)) throw new AwsError('InvalidParameterException', `Channel name ${value} is not valid: 3 to 128 letters, digits, periods, underscores and hyphens.`);
    return value;
  }

  async function uniqueName(name: string, ctx: CallContext, except?: string): Promise<void> {
    if ((await regionChannels(ctx)).some((c) => c.name === name && c.id !== except)) {
      throw new AwsError('ChannelAlreadyExistsException', `A channel named ${name} already exists.`);
    }
  }

  /** Destinations must be ActivityAuditLog event data stores of the caller, active, each named once. */
  async function parseDestinations(list: unknown[], ctx: CallContext): Promise<ChannelDestination[]> {
    if (list.length < 1 || list.length > MAX_DESTINATIONS) {
      throw new AwsError('InvalidParameterException', `A channel has 1 to ${MAX_DESTINATIONS} destinations; ${list.length} were given.`);
    }
    const seen = new Set<string>();
    const out: ChannelDestination[] = [];
    for (const raw of list) {
      const d = asStructure(raw, 'Destinations');
      const type = optionalString(d, 'Type');
      const location = optionalString(d, 'Location');
      if (type === undefined || location === undefined) throw new AwsError('InvalidParameterException', 'Each destination needs a Type and a Location.');
      if (type === 'AWS_SERVICE') throw new AwsError('InvalidParameterException', 'AWS_SERVICE destinations belong to service-linked channels, which only AWS services create.');
      if (type !== 'EVENT_DATA_STORE') throw new AwsError('InvalidParameterException', `Destination type ${type} is not valid: EVENT_DATA_STORE or AWS_SERVICE.`);
      const arn = STORE_ARN.exec(location);
      if (!arn) throw new AwsError('EventDataStoreARNInvalidException', `The event data store ARN ${location} is not valid.`);
      const store = arn[1] === ctx.region && arn[2] === ctx.accountId ? await state.get<EventDataStoreDoc>('eventDataStore', arn[3]!) : undefined;
      if (!store || store.accountId !== ctx.accountId || store.region !== ctx.region) {
        throw new AwsError('EventDataStoreNotFoundException', `The event data store ${location} does not exist.`);
      }
      if (store.status === 'PENDING_DELETION') throw new AwsError('InactiveEventDataStoreException', `The event data store ${location} is pending deletion.`);
      if (!store.audit) {
        throw new AwsError('InvalidEventDataStoreCategoryException', `The event data store ${location} does not collect ActivityAuditLog events, so a channel cannot deliver to it.`);
      }
      if (seen.has(store.arn)) throw new AwsError('InvalidParameterException', `Destination ${location} appears more than once.`);
      seen.add(store.arn);
      out.push({ type: 'EVENT_DATA_STORE', location: store.arn });
    }
    return out;
  }

  function resolve(input: Input, ctx: CallContext): Promise<ChannelDoc> {
    const ref = requiredString(input, 'Channel', () => new AwsError('InvalidParameterException', 'Channel is required.'));
    return findChannel(state, ref, ctx);
  }

  const create: LakeHandler = async (input, ctx) => {
    const name = channelName(requiredString(input, 'Name', () => new AwsError('InvalidParameterException', 'Name is required.')));
    const source = requiredString(input, 'Source', () => new AwsError('InvalidParameterException', 'Source is required.'));
    if (source !== CUSTOM_SOURCE) {
      throw new AwsError('InvalidSourceException', `Source ${source} is not supported: Cairn takes events from your own applications (Source ${CUSTOM_SOURCE}).`);
    }
    const list = optionalList(input, 'Destinations');
    if (list === undefined) throw new AwsError('InvalidParameterException', 'Destinations is required.');
    const tags = parseTags(optionalList(input, 'Tags') ?? []);
    if (tags.length > MAX_TAGS) throw new AwsError('TagsLimitExceededException', `A channel can have at most ${MAX_TAGS} tags.`);
    const destinations = await parseDestinations(list, ctx);
    await uniqueName(name, ctx);
    if ((await regionChannels(ctx)).length >= MAX_CHANNELS_PER_REGION) {
      throw new AwsError('ChannelMaxLimitExceededException', `An account can have at most ${MAX_CHANNELS_PER_REGION} channels per region.`);
    }
    const id = deps.newId();
    const channel: ChannelDoc = {
      id,
      arn: channelArn(ctx.region, ctx.accountId, id),
      accountId: ctx.accountId,
      region: ctx.region,
      name,
      source,
      destinations,
      tags,
      ingestion: {},
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await state.put('channel', id, ctx.accountId, channel);
    return { ChannelArn: channel.arn, Name: name, Source: source, Destinations: destinationsView(channel), Tags: tags };
  };

  const get: LakeHandler = async (input, ctx) => {
    const c = await resolve(input, ctx);
    return {
      ChannelArn: c.arn,
      Name: c.name,
      Source: c.source,
      SourceConfig: { ApplyToAllRegions: false, AdvancedEventSelectors: [] },
      Destinations: destinationsView(c),
      IngestionStatus: ingestionView(c.ingestion),
    };
  };

  const list: LakeHandler = async (input, ctx) => {
    const max = optionalInteger(input, 'MaxResults');
    if (max !== undefined && (max < 1 || max > 1000)) throw new AwsError('InvalidParameterException', 'MaxResults must be between 1 and 1000.');
    const offset = readPageToken(optionalString(input, 'NextToken'));
    const channels = (await regionChannels(ctx)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    const page = channels.slice(offset, offset + (max ?? 1000));
    const next = offset + page.length < channels.length ? pageToken(offset + page.length) : undefined;
    return { Channels: page.map((c) => ({ ChannelArn: c.arn, Name: c.name })), ...(next ? { NextToken: next } : {}) };
  };

  const update: LakeHandler = async (input, ctx) => {
    const c = await resolve(input, ctx);
    const next: ChannelDoc = { ...c, updatedAt: ctx.now };
    const name = optionalString(input, 'Name');
    if (name !== undefined) {
      next.name = channelName(name);
      await uniqueName(next.name, ctx, c.id);
    }
    const list = optionalList(input, 'Destinations');
    if (list !== undefined) next.destinations = await parseDestinations(list, ctx);
    await state.put('channel', c.id, c.accountId, next);
    return { ChannelArn: next.arn, Name: next.name, Source: next.source, Destinations: destinationsView(next) };
  };

  const remove: LakeHandler = async (input, ctx) => {
    const c = await resolve(input, ctx);
    await state.delete('channel', c.id);
    return {};
  };

  return { CreateChannel: create, GetChannel: get, ListChannels: list, UpdateChannel: update, DeleteChannel: remove };
}

/** Channels as AddTags, RemoveTags and ListTags see them: a channel ARN of this account and region. */
export function channelTagKind(state: LakeStateStore): TaggedResourceKind {
  return {
    claims: (arn) => parseChannelArn(arn) !== undefined,
    async find(arn, ctx) {
      const ref = parseChannelArn(arn)!;
      const channel = ref.region === ctx.region && ref.accountId === ctx.accountId ? await state.get<ChannelDoc>('channel', ref.id) : undefined;
      if (!channel || channel.accountId !== ctx.accountId) throw resourceNotFound(arn);
      return { tags: channel.tags, save: (tags) => state.put('channel', channel.id, channel.accountId, { ...channel, tags }) };
    },
  };
}
