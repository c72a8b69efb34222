import { AwsError } from '../../api/index.js';
import type { Input } from './input.js';
import { optionalInteger, optionalString, optionalTimestamp, requiredString } from './input.js';
import type { LakeDeps, LakeHandler } from './event-data-stores.js';
import { findStore } from './event-data-stores.js';
import type { EventDataStoreDoc, LakeTableRef, QueryDoc, QueryStatus } from './lake-types.js';
import type { CallContext, OperationOutput } from './types.js';

const MAX_CONCURRENT = 10;
const DAY_MS = 86_400_000;
/** Queries and their results are kept 7 days. */
export const QUERY_RETENTION_MS = 7 * DAY_MS;
const STATUSES = new Set<QueryStatus>(['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
const TERMINAL = new Set<QueryStatus>(['FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
const DELIVERY_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/;
/** Beyond AWS: the caller's whole event history, queryable without creating a store. */
export const EVENT_HISTORY_TABLE = 'event_history';

const seconds = (ms: number): number => ms / 1000;

function pageToken(prefix: string, offset: number): string {
  return Buffer.from(`${prefix}:${offset}`).toString('base64url');
}

function readToken(prefix: string, token: string | undefined): number {
  if (token === undefined) return 0;
  if (token.length < 4 || token.length > 1000) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  const text = Buffer.from(token, 'base64url').toString();
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m || m[1] !== prefix) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return Number(m[2]);
}

export function queryHandlers(deps: LakeDeps): Record<string, LakeHandler> {
  const { state, backend } = deps;

  async function purgeOld(now: number): Promise<void> {
    for (const q of await state.list<QueryDoc>('query')) if (now - q.createdAt >= QUERY_RETENTION_MS) await state.delete('query', q.id);
  }

  async function findQuery(input: Input, ctx: CallContext): Promise<QueryDoc> {
    const store = optionalString(input, 'EventDataStore');
    if (store !== undefined) await findStore(state, store, ctx);
    if (optionalString(input, 'QueryAlias') !== undefined && input.QueryId === undefined) {
      throw new AwsError('UnsupportedOperationException', 'Cairn does not support query aliases (dashboards).');
    }
    const id = requiredString(input, 'QueryId', () => new AwsError('InvalidParameterException', 'QueryId is required.'));
    await purgeOld(ctx.now);
    const query = await state.get<QueryDoc>('query', id);
    if (!query || query.accountId !== ctx.accountId || query.region !== ctx.region) throw new AwsError('QueryIdNotFoundException', `Query ${id} was not found.`);
    return query;
  }

  /** The tables the caller may name: its stores in this region by id, and event_history. */
  async function callerTables(ctx: CallContext): Promise<{ tables: Map<string, LakeTableRef>; stores: Map<string, EventDataStoreDoc> }> {
    const stores = (await state.list<EventDataStoreDoc>('eventDataStore', ctx.accountId)).filter((s) => s.region === ctx.region);
    const tables = new Map<string, LakeTableRef>(stores.map((s) => [s.id.toLowerCase(), { kind: 'store', storeId: s.id }]));
    tables.set(EVENT_HISTORY_TABLE, { kind: 'history', accountId: ctx.accountId });
    return { tables, stores: new Map(stores.map((s) => [s.id, s])) };
  }

  const startQuery: LakeHandler = async (input, ctx) => {
    if (optionalString(input, 'QueryAlias') !== undefined) throw new AwsError('UnsupportedOperationException', 'Cairn does not support query aliases (dashboards).');
    const statement = requiredString(input, 'QueryStatement', () => new AwsError('InvalidParameterException', 'QueryStatement is required.'));
    const owner = optionalString(input, 'EventDataStoreOwnerAccountId');
    if (owner !== undefined && owner !== ctx.accountId) throw new AwsError('EventDataStoreNotFoundException', `No event data store of account ${owner} is shared with you.`);
    const delivery = optionalString(input, 'DeliveryS3Uri');
    if (delivery !== undefined && !DELIVERY_URI.test(delivery)) throw new AwsError('InvalidParameterException', `DeliveryS3Uri ${delivery} is not a valid s3:// URI.`);
    if (delivery !== undefined) {
      // Results go to the bucket store once the query finishes (src/lake/result-delivery.ts).
      if (!deps.bucketExists) throw new AwsError('UnsupportedOperationException', 'This Cairn does not deliver query results to buckets; read them with GetQueryResults.');
      const bucket = delivery.slice('s3://'.length).split('/')[0]!;
      if (!(await deps.bucketExists(bucket))) throw new AwsError('S3BucketDoesNotExistException', `The S3 bucket ${bucket} does not exist.`);
    }
    const { tables, stores } = await callerTables(ctx);
    const reads = backend.check(statement, tables);
    for (const ref of reads) {
      const store = ref.kind === 'store' ? stores.get(ref.storeId) : undefined;
      if (store?.status === 'PENDING_DELETION') throw new AwsError('InactiveEventDataStoreException', `The event data store ${store.arn} is pending deletion.`);
    }
    if (backend.active(ctx.accountId) >= MAX_CONCURRENT) {
      throw new AwsError('MaxConcurrentQueriesException', `You already have ${MAX_CONCURRENT} queries running; wait for one to finish or cancel one.`);
    }
    const query: QueryDoc = {
      id: deps.newId(),
      accountId: ctx.accountId,
      region: ctx.region,
      statement,
      status: 'QUEUED',
      storeIds: reads.flatMap((r) => (r.kind === 'store' ? [r.storeId] : [])),
      createdAt: ctx.now,
      eventsMatched: 0,
      eventsScanned: 0,
      bytesScanned: 0,
      executionTimeInMillis: 0,
      ...(delivery !== undefined ? { deliveryS3Uri: delivery, deliveryStatus: 'PENDING' } : {}),
    };
    await state.put('query', query.id, ctx.accountId, query);
    backend.submit(query, tables);
    return { QueryId: query.id };
  };

  const describeQuery: LakeHandler = async (input, ctx) => {
    const q = await findQuery(input, ctx);
    return {
      QueryId: q.id,
      QueryString: q.statement,
      QueryStatus: q.status,
      QueryStatistics: {
        EventsMatched: q.eventsMatched,
        EventsScanned: q.eventsScanned,
        BytesScanned: q.bytesScanned,
        ExecutionTimeInMillis: q.executionTimeInMillis,
        CreationTime: seconds(q.createdAt),
      },
      ...(q.errorMessage ? { ErrorMessage: q.errorMessage } : {}),
      ...(q.deliveryS3Uri ? { DeliveryS3Uri: q.deliveryS3Uri, DeliveryStatus: q.deliveryStatus } : {}),
    };
  };

  const getQueryResults: LakeHandler = async (input, ctx) => {
    const max = optionalInteger(input, 'MaxQueryResults');
    if (max !== undefined && (max < 1 || max > 1000)) throw new AwsError('InvalidMaxResultsException', 'MaxQueryResults must be between 1 and 1000.');
    const q = await findQuery(input, ctx);
    const offset = readToken(q.id, optionalString(input, 'NextToken'));
    const base: OperationOutput = { QueryStatus: q.status, ...(q.errorMessage ? { ErrorMessage: q.errorMessage } : {}) };
    const results = q.status === 'FINISHED' ? await state.readResults(q.id, offset, max ?? 1000) : undefined;
    if (!results) {
      return { ...base, QueryStatistics: { ResultsCount: 0, TotalResultsCount: 0, BytesScanned: q.bytesScanned }, QueryResultRows: [] };
    }
    if (offset > results.total) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
    const rows = results.rows.map((row) => row.map((value, i) => ({ [results.columns[i]!]: value })));
    const end = offset + rows.length;
    return {
      ...base,
      QueryStatistics: { ResultsCount: rows.length, TotalResultsCount: results.total, BytesScanned: q.bytesScanned },
      QueryResultRows: rows,
      ...(end < results.total ? { NextToken: pageToken(q.id, end) } : {}),
    };
  };

  const listQueries: LakeHandler = async (input, ctx) => {
    const ref = requiredString(input, 'EventDataStore', () => new AwsError('InvalidParameterException', 'EventDataStore is required.'));
    const store = await findStore(state, ref, ctx);
    const start = optionalTimestamp(input, 'StartTime');
    const end = optionalTimestamp(input, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) throw new AwsError('InvalidDateRangeException', 'StartTime must be before EndTime.');
    const status = optionalString(input, 'QueryStatus');
    if (status !== undefined && !STATUSES.has(status as QueryStatus)) throw new AwsError('InvalidQueryStatusException', `QueryStatus ${status} is not valid.`);
    const max = optionalInteger(input, 'MaxResults');
    if (max !== undefined && (max < 1 || max > 1000)) throw new AwsError('InvalidMaxResultsException', 'MaxResults must be between 1 and 1000.');
    const offset = readToken(`list-${store.id}`, optionalString(input, 'NextToken'));
    await purgeOld(ctx.now);
    const queries = (await state.list<QueryDoc>('query', ctx.accountId))
      .filter((q) => q.storeIds.includes(store.id) && (start === undefined || q.createdAt >= start) && (end === undefined || q.createdAt <= end) && (status === undefined || q.status === status))
      .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    const page = queries.slice(offset, offset + (max ?? 1000));
    const next = offset + page.length;
    return {
      Queries: page.map((q) => ({ QueryId: q.id, QueryStatus: q.status, CreationTime: seconds(q.createdAt) })),
      ...(next < queries.length ? { NextToken: pageToken(`list-${store.id}`, next) } : {}),
    };
  };

  const cancelQuery: LakeHandler = async (input, ctx) => {
    const q = await findQuery(input, ctx);
    if (TERMINAL.has(q.status)) throw new AwsError('InactiveQueryException', `Query ${q.id} is ${q.status} and cannot be cancelled.`);
    backend.cancel(q.id);
    // The runner may have finished meanwhile: only a query still active becomes CANCELLED.
    const now = await state.get<QueryDoc>('query', q.id);
    if (now && !TERMINAL.has(now.status)) await state.put('query', q.id, q.accountId, { ...now, status: 'CANCELLED', finishedAt: ctx.now });
    const after = await state.get<QueryDoc>('query', q.id);
    return { QueryId: q.id, QueryStatus: after?.status ?? 'CANCELLED' };
  };

  const searchSampleQueries: LakeHandler = (input) => {
    const phrase = requiredString(input, 'SearchPhrase', () => new AwsError('InvalidParameterException', 'SearchPhrase is required.'));
    if (phrase.length < 2 || phrase.length > 1000 || !/^[ -~\n]*$/.test(phrase)) throw new AwsError('InvalidParameterException', 'SearchPhrase must be 2 to 1000 printable ASCII characters.');
    const max = optionalInteger(input, 'MaxResults');
    if (max !== undefined && (max < 1 || max > 50)) throw new AwsError('InvalidParameterException', 'MaxResults must be between 1 and 50.');
    const offset = readToken(`samples-${phrase}`, optionalString(input, 'NextToken'));
    const words = phrase.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
    const scored = backend.samples
      .map((s) => {
        // A word in the name counts most, then the description, then the SQL.
        const name = s.name.toLowerCase();
        const description = s.description.toLowerCase();
        const sql = s.sql.toLowerCase();
        const score = words.reduce((sum, w) => sum + (name.includes(w) ? 4 : 0) + (description.includes(w) ? 2 : 0) + (sql.includes(w) ? 1 : 0), 0);
        return { s, relevance: words.length === 0 ? 0 : score / (7 * words.length) };
      })
      .filter((x) => x.relevance > 0)
      .sort((a, b) => b.relevance - a.relevance || a.s.name.localeCompare(b.s.name));
    const page = scored.slice(offset, offset + (max ?? 10));
    const next = offset + page.length;
    return Promise.resolve({
      SearchResults: page.map(({ s, relevance }) => ({ Name: s.name, Description: s.description, SQL: s.sql, Relevance: Math.round(relevance * 100) / 100 })),
      ...(next < scored.length ? { NextToken: pageToken(`samples-${phrase}`, next) } : {}),
    });
  };

  return {
    StartQuery: startQuery,
    DescribeQuery: describeQuery,
    GetQueryResults: getQueryResults,
    ListQueries: listQueries,
    CancelQuery: cancelQuery,
    SearchSampleQueries: searchSampleQueries,
  };
}
