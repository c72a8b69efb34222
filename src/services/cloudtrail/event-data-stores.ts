import { AwsError } from '../../api/index.js';
import type { EventStore, LakeStateStore } from '../../store/index.js';
import type { AdvancedEventSelector } from '../../trails/index.js';
import { parseAdvancedEventSelectors } from '../../trails/index.js';
import type { Input } from './input.js';
import { asStructure, optionalBoolean, optionalInteger, optionalList, optionalString, requiredString } from './input.js';
import type { EventDataStoreDoc, EventDataStoreStatus, LakeBackend } from './lake-types.js';
import type { TaggedResourceKind } from './tags.js';
import { parseTags, resourceNotFound } from './tags.js';
import type { CallContext, OperationOutput } from './types.js';

type Handler = (input: Input, ctx: CallContext) => Promise<OperationOutput>;

const MAX_STORES_PER_REGION = 10;
const MAX_SELECTORS = 5;
const DAY_MS = 86_400_000;
/** A deleted store can be restored for 7 days; then it and its data are gone. */
export const PENDING_DELETION_MS = 7 * DAY_MS;
const NAME = /^[a-zA-Z0-9._-]{3,128}$/;
const STORE_REF = /^[a-zA-Z0-9._/:-]{3,256}$/;
export const STORE_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([a-zA-Z0-9._-]+)$/;
const BILLING_MODES = new Set(['EXTENDABLE_RETENTION_PRICING', 'FIXED_RETENTION_PRICING']);
const DEFAULT_SELECTORS: AdvancedEventSelector[] = [{ Name: 'Default management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }];

export interface LakeDeps {
  state: LakeStateStore;
  events: EventStore;
  backend: LakeBackend;
  newId: () => string;
  /** Whether a bucket exists, for StartQuery's DeliveryS3Uri (absent: result delivery is unsupported). */
  bucketExists?: (bucket: string) => Promise<boolean>;
}

const seconds = (ms: number): number => ms / 1000;

export function storeArn(region: string, accountId: string, id: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:eventdatastore/${id}`;
}

/** The fields every EDS operation answers with. */
export function storeView(s: EventDataStoreDoc): OperationOutput {
  return {
    EventDataStoreArn: s.arn,
    Name: s.name,
    Status: s.status,
    AdvancedEventSelectors: s.advancedEventSelectors,
    MultiRegionEnabled: s.multiRegionEnabled,
    OrganizationEnabled: s.organizationEnabled,
    RetentionPeriod: s.retentionPeriod,
    TerminationProtectionEnabled: s.terminationProtectionEnabled,
    CreatedTimestamp: seconds(s.createdAt),
    UpdatedTimestamp: seconds(s.updatedAt),
    BillingMode: s.billingMode,
    ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
  };
}

/** Selectors of an event data store: the trail rules, plus ActivityAuditLog stores fed by channels. */
export function parseStoreSelectors(list: unknown[] | undefined): { selectors: AdvancedEventSelector[]; audit: boolean } {
  if (list === undefined) return { selectors: DEFAULT_SELECTORS, audit: false };
  if (list.length === 0) throw new AwsError('InvalidEventSelectorsException', 'AdvancedEventSelectors must hold at least one selector.');
  if (list.length > MAX_SELECTORS) throw new AwsError('InvalidEventSelectorsException', `An event data store can have at most ${MAX_SELECTORS} advanced event selectors.`);
  const categories = list.flatMap((raw) => {
    const fields = (raw as { FieldSelectors?: unknown }).FieldSelectors;
    if (!Array.isArray(fields)) return [];
    return fields.flatMap((f) => ((f as { Field?: unknown }).Field === 'eventCategory' ? ((f as { Equals?: unknown }).Equals as unknown[] | undefined) ?? [] : []));
  });
  if (categories.includes('ActivityAuditLog')) {
    if (categories.some((c) => c !== 'ActivityAuditLog')) {
      throw new AwsError('InvalidEventSelectorsException', 'ActivityAuditLog events cannot share an event data store with other event categories.');
    }
    const selectors = list.map((raw) => {
      const s = asStructure(raw, 'AdvancedEventSelectors');
      const fields = optionalList(s, 'FieldSelectors') ?? [];
      if (fields.length !== 1) throw new AwsError('InvalidEventSelectorsException', 'Selectors of ActivityAuditLog stores have the one field selector eventCategory Equals ActivityAuditLog.');
      return { ...(typeof s.Name === 'string' ? { Name: s.Name } : {}), FieldSelectors: [{ Field: 'eventCategory', Equals: ['ActivityAuditLog'] }] };
    });
    return { selectors, audit: true };
  }
  return { selectors: parseAdvancedEventSelectors(list), audit: false };
}

function retention(value: number | undefined, billing: string, fallback: number): number {
  const days = value ?? fallback;
  if (days < 7 || days > 3653) throw new AwsError('InvalidParameterException', `RetentionPeriod must be between 7 and 3653 days; ${days} is not.`);
  if (billing === 'FIXED_RETENTION_PRICING' && days > 2557) {
    throw new AwsError('InvalidParameterException', 'With FIXED_RETENTION_PRICING the retention period is at most 2557 days.');
  }
  return days;
}

function billingMode(input: Input, fallback: string): string {
  const mode = optionalString(input, 'BillingMode') ?? fallback;
  if (!BILLING_MODES.has(mode)) throw new AwsError('InvalidParameterException', `BillingMode ${mode} is not valid: EXTENDABLE_RETENTION_PRICING or FIXED_RETENTION_PRICING.`);
  return mode;
}

export function eventDataStoreHandlers(deps: LakeDeps): Record<string, Handler> {
  const { state } = deps;

  /** Stores past their pending-deletion window are deleted for good, with their data. */
  async function sweep(now: number): Promise<void> {
    for (const s of await state.list<EventDataStoreDoc>('eventDataStore')) {
      if (s.status === 'PENDING_DELETION' && s.deletedAt !== undefined && now - s.deletedAt >= PENDING_DELETION_MS) {
        await deps.backend.deleteStoreData(s.id);
        await state.delete('eventDataStore', s.id);
      }
    }
  }

  async function regionStores(ctx: CallContext): Promise<EventDataStoreDoc[]> {
    await sweep(ctx.now);
    return (await state.list<EventDataStoreDoc>('eventDataStore', ctx.accountId)).filter((s) => s.region === ctx.region);
  }

  async function resolve(input: Input, ctx: CallContext, member = 'EventDataStore'): Promise<EventDataStoreDoc> {
    const ref = requiredString(input, member, () => new AwsError('InvalidParameterException', `${member} is required.`));
    return resolveStore(ref, ctx);
  }

  async function resolveStore(ref: string, ctx: CallContext): Promise<EventDataStoreDoc> {
    let id = ref;
    if (ref.startsWith('arn:')) {
      const m = STORE_ARN.exec(ref);
      if (!m) throw new AwsError('EventDataStoreARNInvalidException', `The event data store ARN ${ref} is not valid.`);
      if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw new AwsError('EventDataStoreNotFoundException', `The event data store ${ref} does not exist.`);
      id = m[3]!;
    } else if (!STORE_REF.test(ref)) {
      throw new AwsError('EventDataStoreARNInvalidException', `The event data store ARN or ID ${ref} is not valid.`);
    }
    await sweep(ctx.now);
    const found = await state.get<EventDataStoreDoc>('eventDataStore', id);
    if (!found || found.accountId !== ctx.accountId || found.region !== ctx.region) throw new AwsError('EventDataStoreNotFoundException', `The event data store ${ref} does not exist.`);
    return found;
  }

  function activeOnly(s: EventDataStoreDoc): void {
    if (s.status === 'PENDING_DELETION') throw new AwsError('InactiveEventDataStoreException', `The event data store ${s.arn} is pending deletion.`);
  }

  const create: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('InvalidParameterException', 'Name is required.'));
    if (!NAME.test(name)) throw new AwsError('InvalidParameterException', `Event data store name ${name} is not valid: 3 to 128 letters, digits, periods, underscores and hyphens.`);
    const { selectors, audit } = parseStoreSelectors(optionalList(input, 'AdvancedEventSelectors'));
    if (optionalBoolean(input, 'OrganizationEnabled') === true) throw new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
    if (optionalString(input, 'KmsKeyId') !== undefined) throw new AwsError('UnsupportedOperationException', 'Cairn does not encrypt event data stores with KMS keys.');
    const billing = billingMode(input, 'EXTENDABLE_RETENTION_PRICING');
    const days = retention(optionalInteger(input, 'RetentionPeriod'), billing, billing === 'FIXED_RETENTION_PRICING' ? 2557 : 366);
    const tags = parseTags(optionalList(input, 'TagsList') ?? []);
    if (tags.length > 200) throw new AwsError('InvalidTagParameterException', 'An event data store can have at most 200 tags.');
    const existing = await regionStores(ctx);
    if (existing.some((s) => s.name === name)) throw new AwsError('EventDataStoreAlreadyExistsException', `An event data store named ${name} already exists.`);
    if (existing.length >= MAX_STORES_PER_REGION) throw new AwsError('EventDataStoreMaxLimitExceededException', `An account can have at most ${MAX_STORES_PER_REGION} event data stores per region.`);
    const start = optionalBoolean(input, 'StartIngestion') ?? true;
    const id = deps.newId();
    const store: EventDataStoreDoc = {
      id,
      arn: storeArn(ctx.region, ctx.accountId, id),
      accountId: ctx.accountId,
      region: ctx.region,
      name,
      status: start ? 'ENABLED' : 'STOPPED_INGESTION',
      advancedEventSelectors: selectors,
      multiRegionEnabled: optionalBoolean(input, 'MultiRegionEnabled') ?? true,
      organizationEnabled: false,
      retentionPeriod: days,
      terminationProtectionEnabled: optionalBoolean(input, 'TerminationProtectionEnabled') ?? true,
      billingMode: billing,
      tags,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      audit,
      startSeq: await deps.events.lastSeq(),
    };
    await state.put('eventDataStore', id, ctx.accountId, store);
    return { ...storeView(store), TagsList: tags };
  };

  const get: Handler = async (input, ctx) => storeView(await resolve(input, ctx));

  const list: Handler = async (input, ctx) => {
    const max = optionalInteger(input, 'MaxResults');
    if (max !== undefined && (max < 1 || max > 1000)) throw new AwsError('InvalidMaxResultsException', 'MaxResults must be between 1 and 1000.');
    const token = optionalString(input, 'NextToken');
    let offset = 0;
    if (token !== undefined) {
      const m = /^eds-(\d+)$/.exec(token);
      if (!m) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
      offset = Number(m[1]);
    }
    const stores = (await regionStores(ctx)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    const page = stores.slice(offset, offset + (max ?? 1000));
    const next = offset + page.length < stores.length ? `eds-${offset + page.length}` : undefined;
    return { EventDataStores: page.map(storeView), ...(next ? { NextToken: next } : {}) };
  };

  const update: Handler = async (input, ctx) => {
    const store = await resolve(input, ctx);
    activeOnly(store);
    const next: EventDataStoreDoc = { ...store };
    const name = optionalString(input, 'Name');
    if (name !== undefined) {
      if (!NAME.test(name)) throw new AwsError('InvalidParameterException', `Event data store name ${name} is not valid.`);
      if ((await regionStores(ctx)).some((s) => s.name === name && s.id !== store.id)) {
        throw new AwsError('EventDataStoreAlreadyExistsException', `An event data store named ${name} already exists.`);
      }
      next.name = name;
    }
    const selectors = optionalList(input, 'AdvancedEventSelectors');
    if (selectors !== undefined) {
      const parsed = parseStoreSelectors(selectors);
      if (parsed.audit !== store.audit) throw new AwsError('InvalidEventSelectorsException', 'The event category of an event data store cannot be changed.');
      next.advancedEventSelectors = parsed.selectors;
    }
    if (optionalBoolean(input, 'OrganizationEnabled') === true) throw new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
    if (optionalString(input, 'KmsKeyId') !== undefined) throw new AwsError('UnsupportedOperationException', 'Cairn does not encrypt event data stores with KMS keys.');
    const billing = billingMode(input, store.billingMode);
    if (store.billingMode === 'EXTENDABLE_RETENTION_PRICING' && billing === 'FIXED_RETENTION_PRICING') {
      throw new AwsError('InvalidParameterException', 'The billing mode can only change from FIXED_RETENTION_PRICING to EXTENDABLE_RETENTION_PRICING.');
    }
    next.billingMode = billing;
    next.retentionPeriod = retention(optionalInteger(input, 'RetentionPeriod'), billing, store.retentionPeriod);
    next.multiRegionEnabled = optionalBoolean(input, 'MultiRegionEnabled') ?? store.multiRegionEnabled;
    next.terminationProtectionEnabled = optionalBoolean(input, 'TerminationProtectionEnabled') ?? store.terminationProtectionEnabled;
    next.updatedAt = ctx.now;
    await state.put('eventDataStore', store.id, store.accountId, next);
    return storeView(next);
  };

  const remove: Handler = async (input, ctx) => {
    const store = await resolve(input, ctx);
    activeOnly(store);
    if (store.terminationProtectionEnabled) {
      throw new AwsError('EventDataStoreTerminationProtectedException', `Event data store ${store.arn} cannot be deleted because termination protection is enabled.`);
    }
    const channels = await state.list<{ destinations: { location: string }[] }>('channel', ctx.accountId);
    if (channels.some((c) => c.destinations.some((d) => d.location === store.arn))) {
      throw new AwsError('ChannelExistsForEDSException', `A channel delivers to event data store ${store.arn}; delete the channel first.`);
    }
    await state.put('eventDataStore', store.id, store.accountId, { ...store, status: 'PENDING_DELETION', statusBeforeDeletion: store.status, deletedAt: ctx.now, updatedAt: ctx.now });
    return {};
  };

  const restore: Handler = async (input, ctx) => {
    const store = await resolve(input, ctx);
    if (store.status !== 'PENDING_DELETION') throw new AwsError('InvalidEventDataStoreStatusException', `Event data store ${store.arn} is not pending deletion.`);
    const status: EventDataStoreStatus = store.statusBeforeDeletion ?? 'ENABLED';
    const restored: EventDataStoreDoc = { ...store, status, updatedAt: ctx.now };
    delete restored.deletedAt;
    delete restored.statusBeforeDeletion;
    // Events recorded while it was pending deletion are not in it.
    if (status === 'ENABLED') restored.startSeq = await deps.events.lastSeq();
    await state.put('eventDataStore', store.id, store.accountId, restored);
    return storeView(restored);
  };

  const setIngestion = (on: boolean): Handler => async (input, ctx) => {
    const store = await resolve(input, ctx);
    if (store.audit) throw new AwsError('InvalidEventDataStoreCategoryException', 'Only event data stores of CloudTrail events can start and stop ingestion.');
    const from: EventDataStoreStatus = on ? 'STOPPED_INGESTION' : 'ENABLED';
    if (store.status !== from) {
      throw new AwsError('InvalidEventDataStoreStatusException', `Event data store ${store.arn} is ${store.status}; ingestion can be ${on ? 'started' : 'stopped'} only when it is ${from}.`);
    }
    const next: EventDataStoreDoc = { ...store, status: on ? 'ENABLED' : 'STOPPED_INGESTION', updatedAt: ctx.now };
    // A store that starts again takes events from now on, as in AWS.
    if (on) next.startSeq = await deps.events.lastSeq();
    await state.put('eventDataStore', store.id, store.accountId, next);
    return {};
  };

  return {
    CreateEventDataStore: create,
    GetEventDataStore: get,
    ListEventDataStores: list,
    UpdateEventDataStore: update,
    DeleteEventDataStore: remove,
    RestoreEventDataStore: restore,
    StartEventDataStoreIngestion: setIngestion(true),
    StopEventDataStoreIngestion: setIngestion(false),
  };
}

export { type Handler as LakeHandler };
export async function findStore(state: LakeStateStore, ref: string, ctx: CallContext): Promise<EventDataStoreDoc> {
  const id = STORE_ARN.exec(ref)?.[3] ?? ref;
  if (ref.startsWith('arn:') && !STORE_ARN.test(ref)) throw new AwsError('EventDataStoreARNInvalidException', `The event data store ARN ${ref} is not valid.`);
  const found = await state.get<EventDataStoreDoc>('eventDataStore', id);
  if (!found || found.accountId !== ctx.accountId || found.region !== ctx.region) throw new AwsError('EventDataStoreNotFoundException', `The event data store ${ref} does not exist.`);
  return found;
}

/** Event data stores as AddTags, RemoveTags and ListTags see them: a store ARN of this account and region. */
export function storeTagKind(state: LakeStateStore): TaggedResourceKind {
  return {
    claims: (arn) => STORE_ARN.test(arn),
    async find(arn, ctx) {
      const [, region, accountId, id] = STORE_ARN.exec(arn)!;
      const store = region === ctx.region && accountId === ctx.accountId ? await state.get<EventDataStoreDoc>('eventDataStore', id!) : undefined;
      if (!store || store.accountId !== ctx.accountId) throw resourceNotFound(arn);
      return { tags: store.tags, save: (tags) => state.put('eventDataStore', store.id, store.accountId, { ...store, tags }) };
    },
  };
}
