/**
 * Lake imports: StartImport, GetImport, ListImports, ListImportFailures, StopImport. The documents
 * live in the Lake state store; the import itself runs in the background (`ImportRunnerPort`).
 */
import { AwsError } from '../../api/index.js';
import type { LakeStateStore } from '../../store/index.js';
import type { LakeHandler } from './event-data-stores.js';
import { findStore } from './event-data-stores.js';
import type { ImportDoc, ImportFailureDoc, ImportRunnerPort, ImportStatus } from './import-types.js';
import { IMPORT_ID } from './import-types.js';
import type { Input } from './input.js';
import { asStructure, optionalInteger, optionalList, optionalString, optionalTimestamp } from './input.js';
import type { CallContext, OperationOutput } from './types.js';

export interface ImportDeps {
  state: LakeStateStore;
  runner: ImportRunnerPort;
  newId: () => string;
}

const STATUSES = new Set<ImportStatus>(['INITIALIZING', 'IN_PROGRESS', 'FAILED', 'STOPPED', 'COMPLETED']);
const ONGOING = new Set<ImportStatus>(['INITIALIZING', 'IN_PROGRESS']);
const S3_URI = /^s3:\/\/([a-z0-9][.\-a-z0-9]{1,61}[a-z0-9])(?:\/(.*))?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const seconds = (ms: number): number => ms / 1000;

function importView(d: ImportDoc): OperationOutput {
  return {
    ImportId: d.id,
    Destinations: d.destinations,
    ImportSource: { S3: { S3LocationUri: d.source.uri, S3BucketRegion: d.source.bucketRegion, S3BucketAccessRoleArn: d.source.roleArn } },
    ...(d.startEventTime !== undefined ? { StartEventTime: seconds(d.startEventTime) } : {}),
    ...(d.endEventTime !== undefined ? { EndEventTime: seconds(d.endEventTime) } : {}),
    ImportStatus: d.status,
    CreatedTimestamp: seconds(d.createdAt),
    UpdatedTimestamp: seconds(d.updatedAt),
  };
}

function statisticsView(d: ImportDoc): OperationOutput {
  const s = d.statistics;
  return {
    ImportStatistics: {
      PrefixesFound: s.prefixesFound,
      PrefixesCompleted: s.prefixesCompleted,
      FilesCompleted: s.filesCompleted,
      EventsCompleted: s.eventsCompleted,
      FailedEntries: s.failedEntries,
    },
  };
}

function pageToken(prefix: string, offset: number): string {
  return Buffer.from(`${prefix}:${offset}`).toString('base64url');
}

function readToken(prefix: string, token: string | undefined): number {
  if (token === undefined) return 0;
  if (token.length < 4 || token.length > 1000) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  const m = /^(.*):(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m || m[1] !== prefix) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return Number(m[2]);
}

function maxResults(input: Input): number {
  const max = optionalInteger(input, 'MaxResults');
  if (max !== undefined && (max < 1 || max > 1000)) throw new AwsError('InvalidParameterException', 'MaxResults must be between 1 and 1000.');
  return max ?? 1000;
}

function importId(input: Input, required: boolean): string | undefined {
  const id = optionalString(input, 'ImportId');
  if (id === undefined) {
    if (required) throw new AwsError('InvalidParameterException', 'ImportId is required.');
    return undefined;
  }
  if (!IMPORT_ID.test(id)) throw new AwsError('InvalidParameterException', `ImportId ${id} is not valid: 36 characters, lower-case hex digits and hyphens.`);
  return id;
}

export function importHandlers(deps: ImportDeps): Record<string, LakeHandler> {
  const { state, runner } = deps;

  async function findImport(id: string, ctx: CallContext): Promise<ImportDoc> {
    const found = await state.get<ImportDoc>('import', id);
    if (!found || found.accountId !== ctx.accountId || found.region !== ctx.region) throw new AwsError('ImportNotFoundException', `Import ${id} was not found.`);
    return found;
  }

  async function ongoing(ctx: CallContext, except?: string): Promise<ImportDoc | undefined> {
    return (await state.list<ImportDoc>('import', ctx.accountId)).find((d) => d.region === ctx.region && d.id !== except && ONGOING.has(d.status));
  }

  async function parseSource(input: Input): Promise<ImportDoc['source']> {
    if (input.ImportSource === undefined) throw new AwsError('InvalidParameterException', 'ImportSource is required for a new import.');
    const source = asStructure(input.ImportSource, 'ImportSource');
    if (source.S3 === undefined) throw new AwsError('InvalidParameterException', 'ImportSource.S3 is required.');
    const s3 = asStructure(source.S3, 'ImportSource.S3');
    const uri = optionalString(s3, 'S3LocationUri');
    const bucketRegion = optionalString(s3, 'S3BucketRegion');
    const roleArn = optionalString(s3, 'S3BucketAccessRoleArn');
    if (uri === undefined || bucketRegion === undefined || roleArn === undefined) {
      throw new AwsError('InvalidParameterException', 'ImportSource.S3 needs S3LocationUri, S3BucketRegion and S3BucketAccessRoleArn.');
    }
    if (!REGION.test(bucketRegion)) throw new AwsError('InvalidParameterException', `S3BucketRegion ${bucketRegion} is not a valid region.`);
    if (!ROLE_ARN.test(roleArn)) throw new AwsError('InvalidParameterException', `S3BucketAccessRoleArn ${roleArn} is not a valid IAM role ARN.`);
    const m = S3_URI.exec(uri);
    if (!m) throw new AwsError('InvalidImportSourceException', `S3LocationUri ${uri} is not a valid s3://bucket/prefix URI.`);
    const bucket = m[1]!;
    if (!(await runner.bucketExists(bucket))) throw new AwsError('InvalidImportSourceException', `The source bucket ${bucket} does not exist.`);
    return { uri, bucket, prefix: m[2] ?? '', bucketRegion, roleArn };
  }

  async function parseDestinations(input: Input, ctx: CallContext): Promise<{ arns: string[]; ids: string[] }> {
    const list = optionalList(input, 'Destinations');
    if (list === undefined || list.length === 0) throw new AwsError('InvalidParameterException', 'Destinations is required for a new import.');
    if (list.length > 1) throw new AwsError('InvalidParameterException', 'An import has exactly one destination event data store.');
    const arns: string[] = [];
    const ids: string[] = [];
    for (const raw of list) {
      if (typeof raw !== 'string') throw new AwsError('InvalidParameterException', 'Destinations must be event data store ARNs.');
      if (!raw.startsWith('arn:')) throw new AwsError('EventDataStoreARNInvalidException', `The event data store ARN ${raw} is not valid.`);
      const store = await findStore(state, raw, ctx);
      if (store.status === 'PENDING_DELETION') throw new AwsError('InactiveEventDataStoreException', `The event data store ${store.arn} is pending deletion.`);
      if (store.status !== 'ENABLED' && store.status !== 'STOPPED_INGESTION') {
        throw new AwsError('InvalidEventDataStoreStatusException', `The event data store ${store.arn} is ${store.status}.`);
      }
      if (store.audit) throw new AwsError('InvalidEventDataStoreCategoryException', `The event data store ${store.arn} holds ActivityAuditLog events; only stores of CloudTrail events take imports.`);
      arns.push(store.arn);
      ids.push(store.id);
    }
    return { arns, ids };
  }

  const start: LakeHandler = async (input, ctx) => {
    const retryId = importId(input, false);
    const startTime = optionalTimestamp(input, 'StartEventTime');
    const endTime = optionalTimestamp(input, 'EndEventTime');
    if (retryId !== undefined) {
      const existing = await findImport(retryId, ctx);
      if (existing.status !== 'STOPPED' && existing.status !== 'FAILED' && !(existing.status === 'COMPLETED' && existing.statistics.failedEntries > 0)) {
        throw new AwsError('InvalidParameterException', `Import ${retryId} is ${existing.status}; only a stopped or failed import, or one with failed files, can be retried.`);
      }
      if (await ongoing(ctx, retryId)) throw new AwsError('AccountHasOngoingImportException', 'This account already has an import in progress.');
      const retried: ImportDoc = { ...existing, status: 'INITIALIZING', updatedAt: ctx.now, retryFailures: existing.statistics.failedEntries > 0 };
      delete retried.errorMessage;
      await state.put('import', retried.id, retried.accountId, retried);
      runner.start(retried.id);
      return importView(retried);
    }
    const source = await parseSource(input);
    const { arns, ids } = await parseDestinations(input, ctx);
    if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
      throw new AwsError('InvalidParameterException', 'StartEventTime must not be after EndEventTime.');
    }
    if (await ongoing(ctx)) throw new AwsError('AccountHasOngoingImportException', 'This account already has an import in progress.');
    const doc: ImportDoc = {
      id: deps.newId(),
      accountId: ctx.accountId,
      region: ctx.region,
      destinations: arns,
      storeIds: ids,
      source,
      ...(startTime !== undefined ? { startEventTime: startTime } : {}),
      ...(endTime !== undefined ? { endEventTime: endTime } : {}),
      status: 'INITIALIZING',
      createdAt: ctx.now,
      updatedAt: ctx.now,
      statistics: { prefixesFound: 0, prefixesCompleted: 0, filesCompleted: 0, eventsCompleted: 0, failedEntries: 0 },
      batches: 0,
    };
    await state.put('import', doc.id, doc.accountId, doc);
    runner.start(doc.id);
    return importView(doc);
  };

  const get: LakeHandler = async (input, ctx) => {
    const doc = await findImport(importId(input, true)!, ctx);
    return { ...importView(doc), ...statisticsView(doc) };
  };

  const list: LakeHandler = async (input, ctx) => {
    const max = maxResults(input);
    const destination = optionalString(input, 'Destination');
    let destinationArn: string | undefined;
    if (destination !== undefined) destinationArn = (await findStore(state, destination, ctx)).arn;
    const status = optionalString(input, 'ImportStatus');
    if (status !== undefined && !STATUSES.has(status as ImportStatus)) throw new AwsError('InvalidParameterException', `ImportStatus ${status} is not valid.`);
    const filter = `${destinationArn ?? ''}|${status ?? ''}`;
    const offset = readToken(`imports|${filter}`, optionalString(input, 'NextToken'));
    const all = (await state.list<ImportDoc>('import', ctx.accountId))
      .filter((d) => d.region === ctx.region && (destinationArn === undefined || d.destinations.includes(destinationArn)) && (status === undefined || d.status === status))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    const page = all.slice(offset, offset + max);
    const next = offset + page.length < all.length ? pageToken(`imports|${filter}`, offset + page.length) : undefined;
    return {
      Imports: page.map((d) => ({ ImportId: d.id, ImportStatus: d.status, Destinations: d.destinations, CreatedTimestamp: seconds(d.createdAt), UpdatedTimestamp: seconds(d.updatedAt) })),
      ...(next ? { NextToken: next } : {}),
    };
  };

  const failures: LakeHandler = async (input, ctx) => {
    const id = importId(input, true)!;
    const max = maxResults(input);
    await findImport(id, ctx);
    const offset = readToken(`failures|${id}`, optionalString(input, 'NextToken'));
    const all = (await state.list<ImportFailureDoc>('importFailure', ctx.accountId)).filter((f) => f.importId === id).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const page = all.slice(offset, offset + max);
    const next = offset + page.length < all.length ? pageToken(`failures|${id}`, offset + page.length) : undefined;
    return {
      Failures: page.map((f) => ({ Location: f.location, Status: f.status, ErrorType: f.errorType, ErrorMessage: f.errorMessage, LastUpdatedTime: seconds(f.updatedAt) })),
      ...(next ? { NextToken: next } : {}),
    };
  };

  const stop: LakeHandler = async (input, ctx) => {
    const doc = await findImport(importId(input, true)!, ctx);
    // Stopping a finished import changes nothing (as AWS answers with its current state).
    if (!ONGOING.has(doc.status)) return { ...importView(doc), ...statisticsView(doc) };
    const stopped: ImportDoc = { ...doc, status: 'STOPPED', updatedAt: ctx.now };
    await state.put('import', doc.id, doc.accountId, stopped);
    runner.stop(doc.id);
    return { ...importView(stopped), ...statisticsView(stopped) };
  };

  return { StartImport: start, GetImport: get, ListImports: list, ListImportFailures: failures, StopImport: stop };
}
