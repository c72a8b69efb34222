import { AwsError } from '../../api/index.js';
import type { EventStore, StoredTrail, TrailStore } from '../../store/index.js';
import type { TrailConfig, TrailRef, TrailStatus } from '../../trails/index.js';
import {
  checkBucketName,
  checkKeyPrefix,
  checkLogGroupArn,
  checkLogsRoleArn,
  checkTrailName,
  currentSigningKey,
  SIGNING_KEY_ROTATION_MS,
  defaultEventSelectors,
  initialStatus,
  kmsKeyArn,
  managementCoverage,
  parseAdvancedEventSelectors,
  parseEventSelectors,
  parseInsightSelectors,
  parseTrailRef,
  snsTopicArn,
  trailArn,
} from '../../trails/index.js';
import type { Input } from './input.js';
import { optionalBoolean, optionalList, optionalString, optionalTimestamp, requiredString } from './input.js';
import { statusResponse, trailObject, trailResponse } from './trail-view.js';
import type { TaggedResourceKind } from './tags.js';
import { mergeTags, parseTags, resourceNotFound } from './tags.js';
import type { CallContext, OperationOutput } from './types.js';

const MAX_TRAILS_PER_REGION = 5;

export interface TrailDeps {
  trails: TrailStore;
  events: EventStore;
  /** Whether the bucket exists in the configured bucket store. */
  bucketExists(bucket: string): Promise<boolean>;
  /** Whether log-file encryption with KmsKeyId is available. */
  encryption: boolean;
  /** The KMS key's state, when a KMS endpoint is configured (else keys are checked for syntax only). */
  kmsKeyState?: (keyId: string) => Promise<'enabled' | 'disabled' | 'missing'>;
}

type Handler = (input: Input, ctx: CallContext) => Promise<OperationOutput>;

function notFound(ref: string, ctx: CallContext): AwsError {
  return new AwsError('TrailNotFoundException', `Unknown trail: ${ref} for the user: ${ctx.accountId}`);
}

/** A trail is seen in a region when it is homed there or logs every region (a shadow trail). */
function visibleIn(t: TrailConfig, region: string): boolean {
  return t.homeRegion === region || t.isMultiRegionTrail;
}

export function trailHandlers(deps: TrailDeps): Record<string, Handler> {
  const { trails } = deps;

  async function accountTrails(ctx: CallContext): Promise<StoredTrail[]> {
    return (await trails.list()).filter((t) => t.config.accountId === ctx.accountId);
  }

  /** Finds a trail by name (homed in this region) or ARN (also a shadow trail seen here). */
  async function resolve(value: string, ctx: CallContext, o: { homeOnly?: boolean } = {}): Promise<StoredTrail> {
    const ref: TrailRef = parseTrailRef(value);
    let found: StoredTrail | undefined;
    if (ref.arn) {
      found = ref.arn.accountId === ctx.accountId ? await trails.getByArn(trailArn(ref.arn.region, ref.arn.accountId, ref.name)) : undefined;
      if (found && !visibleIn(found.config, ctx.region)) found = undefined;
    } else {
      found = (await accountTrails(ctx)).find((t) => t.config.name === ref.name && t.config.homeRegion === ctx.region);
    }
    if (!found) throw notFound(value, ctx);
    if (o.homeOnly && found.config.homeRegion !== ctx.region) {
      throw new AwsError(
        'InvalidHomeRegionException',
        `This operation must be called from the trail's home region, ${found.config.homeRegion}, not ${ctx.region}.`,
      );
    }
    return found;
  }

  async function checkBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    let exists: boolean;
    try {
      exists = await deps.bucketExists(bucket);
    } catch (error) {
      // The storage refused to say: CloudTrail reports a bucket it may not use as a policy problem.
      const code = (error as { code?: unknown }).code;
      if (code === 'Forbidden' || code === 'AccessDenied') {
        throw new AwsError('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`);
      }
      throw error;
    }
    if (!exists) throw new AwsError('S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist.`);
  }

  async function checkKms(keyArn: string): Promise<void> {
    if (!deps.encryption) {
      throw new AwsError('UnsupportedOperationException', 'Encrypting log files in local buckets needs a KMS endpoint (cairn serve --kms-endpoint).');
    }
    const state = await deps.kmsKeyState?.(keyArn);
    if (state === 'missing') throw new AwsError('KmsKeyNotFoundException', `KMS key ${keyArn} does not exist.`);
    if (state === 'disabled') throw new AwsError('KmsKeyDisabledException', `KMS key ${keyArn} is disabled.`);
  }

  /** Settings shared by CreateTrail and UpdateTrail, applied onto `t` (empty strings clear). */
  function applySettings(input: Input, t: TrailConfig, ctx: CallContext): void {
    const prefix = optionalString(input, 'S3KeyPrefix');
    if (prefix !== undefined) {
      checkKeyPrefix(prefix);
      if (prefix === '') delete t.s3KeyPrefix;
      else t.s3KeyPrefix = prefix;
    }
    const topic = optionalString(input, 'SnsTopicName');
    if (topic !== undefined) {
      if (topic === '') {
        delete t.snsTopicName;
        delete t.snsTopicArn;
      } else {
        t.snsTopicArn = snsTopicArn(topic, ctx.region, ctx.accountId);
        t.snsTopicName = t.snsTopicArn.split(':').at(-1)!;
      }
    }
    const kms = optionalString(input, 'KmsKeyId');
    if (kms !== undefined) {
      if (kms === '') delete t.kmsKeyId;
      else t.kmsKeyId = kmsKeyArn(kms, ctx.region, ctx.accountId);
    }
    const group = optionalString(input, 'CloudWatchLogsLogGroupArn');
    const role = optionalString(input, 'CloudWatchLogsRoleArn');
    if (group !== undefined || role !== undefined) {
      if (!group !== !role) {
        throw new AwsError('InvalidParameterCombinationException', 'You must specify both CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn, or neither.');
      }
      if (group) {
        checkLogGroupArn(group);
        checkLogsRoleArn(role!);
        t.cloudWatchLogsLogGroupArn = group;
        t.cloudWatchLogsRoleArn = role!;
      } else {
        delete t.cloudWatchLogsLogGroupArn;
        delete t.cloudWatchLogsRoleArn;
      }
    }
    const global = optionalBoolean(input, 'IncludeGlobalServiceEvents');
    if (global !== undefined) t.includeGlobalServiceEvents = global;
    const multi = optionalBoolean(input, 'IsMultiRegionTrail');
    if (multi !== undefined) t.isMultiRegionTrail = multi;
    const validation = optionalBoolean(input, 'EnableLogFileValidation');
    if (validation !== undefined) t.logFileValidationEnabled = validation;
    if (optionalBoolean(input, 'IsOrganizationTrail') === true) {
      throw new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
    }
    if (t.isMultiRegionTrail && !t.includeGlobalServiceEvents) {
      throw new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
    }
  }

  /** The name must be free in every region the trail will be seen in, and each of them below the limit. */
  async function checkNameAndLimit(t: TrailConfig, ctx: CallContext, self?: number): Promise<void> {
    const others = (await accountTrails(ctx)).filter((o) => o.id !== self);
    const regions = t.isMultiRegionTrail ? new Set([t.homeRegion, ...others.map((o) => o.config.homeRegion)]) : new Set([t.homeRegion]);
    for (const region of regions) {
      const seen = others.filter((o) => visibleIn(o.config, region));
      if (seen.some((o) => o.config.name === t.name)) {
        throw new AwsError('TrailAlreadyExistsException', `Trail ${t.name} already exists for customer: ${ctx.accountId}`);
      }
      if (seen.length >= MAX_TRAILS_PER_REGION) {
        throw new AwsError('MaximumNumberOfTrailsExceededException', `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${region}.`);
      }
    }
  }

  const createTrail: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    if (name.startsWith('arn:')) throw new AwsError('InvalidTrailNameException', 'CreateTrail takes a trail name, not an ARN.');
    checkTrailName(name);
    const bucket = requiredString(input, 'S3BucketName', () => new AwsError('InvalidParameterException', 'S3BucketName is required.'));
    checkBucketName(bucket);
    const config: TrailConfig = {
      name,
      accountId: ctx.accountId,
      homeRegion: ctx.region,
      arn: trailArn(ctx.region, ctx.accountId, name),
      s3BucketName: bucket,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      logFileValidationEnabled: false,
      isOrganizationTrail: false,
      hasCustomEventSelectors: false,
      insightSelectors: [],
      tags: [],
    };
    applySettings(input, config, ctx);
    const tags = optionalList(input, 'TagsList');
    if (tags) config.tags = mergeTags([], parseTags(tags));
    await checkNameAndLimit(config, ctx);
    await checkBucket(bucket);
    if (config.kmsKeyId) await checkKms(config.kmsKeyId);
    const created = await trails.create(config, initialStatus());
    if (!created) throw new AwsError('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${ctx.accountId}`);
    return trailResponse(config);
  };

  const updateTrail: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    const trail = await resolve(name, ctx, { homeOnly: true });
    const config: TrailConfig = structuredClone(trail.config);
    const bucket = optionalString(input, 'S3BucketName');
    if (bucket !== undefined) {
      await checkBucket(bucket);
      config.s3BucketName = bucket;
    }
    applySettings(input, config, ctx);
    if (config.kmsKeyId && config.kmsKeyId !== trail.config.kmsKeyId) await checkKms(config.kmsKeyId);
    if (config.isMultiRegionTrail !== trail.config.isMultiRegionTrail) await checkNameAndLimit(config, ctx, trail.id);
    await trails.putConfig(trail.id, config);
    return trailResponse(config);
  };

  const deleteTrail: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    const trail = await resolve(name, ctx, { homeOnly: true });
    const patch: Partial<TrailStatus> = trail.status.isLogging ? { isLogging: false, stopLoggingTime: ctx.now, stopSeq: await deps.events.lastSeq() } : {};
    await trails.markDeleted(trail.id, ctx.now, patch);
    return {};
  };

  const getTrail: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    return { Trail: trailObject((await resolve(name, ctx)).config) };
  };

  const describeTrails: Handler = async (input, ctx) => {
    const names = optionalList(input, 'trailNameList') ?? [];
    const shadows = optionalBoolean(input, 'includeShadowTrails') ?? true;
    const mine = await accountTrails(ctx);
    let chosen: StoredTrail[];
    if (names.length === 0) {
      chosen = mine.filter((t) => t.config.homeRegion === ctx.region || (shadows && t.config.isMultiRegionTrail));
    } else {
      chosen = [];
      for (const value of names) {
        if (typeof value !== 'string') throw new AwsError('SerializationException', 'trailNameList: expected a list of strings');
        const ref = parseTrailRef(value);
        const match = ref.arn
          ? mine.find((t) => t.config.arn === trailArn(ref.arn!.region, ref.arn!.accountId, ref.name))
          : mine.find((t) => t.config.name === ref.name && t.config.homeRegion === ctx.region);
        if (!match || chosen.includes(match)) continue;
        if (match.config.homeRegion !== ctx.region && !(shadows && match.config.isMultiRegionTrail)) continue;
        chosen.push(match);
      }
    }
    return { trailList: chosen.map((t) => trailObject(t.config)) };
  };

  const listTrails: Handler = async (input, ctx) => {
    if (optionalString(input, 'NextToken') !== undefined) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
    const seen = (await accountTrails(ctx)).filter((t) => visibleIn(t.config, ctx.region));
    return { Trails: seen.map((t) => ({ TrailARN: t.config.arn, Name: t.config.name, HomeRegion: t.config.homeRegion })) };
  };

  const getTrailStatus: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    return statusResponse((await resolve(name, ctx)).status);
  };

  const startLogging: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    const trail = await resolve(name, ctx, { homeOnly: true });
    if (trail.status.isLogging) return {};
    // The new session delivers what is recorded from now on, starting with this call's own event.
    await trails.patchStatus(trail.id, {
      isLogging: true,
      session: trail.status.session + 1,
      startSeq: await deps.events.lastSeq(),
      stopSeq: undefined,
      startLoggingTime: ctx.now,
    });
    return {};
  };

  const stopLogging: Handler = async (input, ctx) => {
    const name = requiredString(input, 'Name', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    const trail = await resolve(name, ctx, { homeOnly: true });
    if (!trail.status.isLogging) return {};
    await trails.patchStatus(trail.id, { isLogging: false, stopSeq: await deps.events.lastSeq(), stopLoggingTime: ctx.now });
    return {};
  };

  const putEventSelectors: Handler = async (input, ctx) => {
    const name = requiredString(input, 'TrailName', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    const basic = optionalList(input, 'EventSelectors');
    const advanced = optionalList(input, 'AdvancedEventSelectors');
    const trail = await resolve(name, ctx, { homeOnly: true });
    if ((basic === undefined) === (advanced === undefined)) {
      throw new AwsError('InvalidEventSelectorsException', 'Specify either EventSelectors or AdvancedEventSelectors, but not both.');
    }
    const config: TrailConfig = structuredClone(trail.config);
    if (basic !== undefined) {
      config.eventSelectors = parseEventSelectors(basic);
      delete config.advancedEventSelectors;
    } else {
      config.advancedEventSelectors = parseAdvancedEventSelectors(advanced!);
      delete config.eventSelectors;
    }
    config.hasCustomEventSelectors = true;
    await trails.putConfig(trail.id, config);
    return selectorsOutput(config);
  };

  const getEventSelectors: Handler = async (input, ctx) => {
    const name = requiredString(input, 'TrailName', () => new AwsError('TrailNotProvidedException', 'Trail name or ARN is required.'));
    return selectorsOutput((await resolve(name, ctx)).config);
  };

  const putInsightSelectors: Handler = async (input, ctx) => {
    if (optionalString(input, 'EventDataStore') !== undefined || optionalString(input, 'InsightsDestination') !== undefined) {
      throw new AwsError('UnsupportedOperationException', 'Cairn does not have event data stores yet.');
    }
    const name = requiredString(input, 'TrailName', () => new AwsError('InvalidParameterCombinationException', 'Specify TrailName.'));
    const list = optionalList(input, 'InsightSelectors');
    if (list === undefined) throw new AwsError('InvalidInsightSelectorsException', 'InsightSelectors is required.');
    const trail = await resolve(name, ctx, { homeOnly: true });
    const config: TrailConfig = structuredClone(trail.config);
    config.insightSelectors = parseInsightSelectors(list, managementCoverage(config));
    await trails.putConfig(trail.id, config);
    return { TrailARN: config.arn, InsightSelectors: config.insightSelectors };
  };

  const getInsightSelectors: Handler = async (input, ctx) => {
    if (optionalString(input, 'EventDataStore') !== undefined) throw new AwsError('UnsupportedOperationException', 'Cairn does not have event data stores yet.');
    const name = requiredString(input, 'TrailName', () => new AwsError('InvalidParameterCombinationException', 'Specify TrailName.'));
    const config = (await resolve(name, ctx)).config;
    if (config.insightSelectors.length === 0) {
      throw new AwsError(
        'InsightNotEnabledException',
        `Trail ${config.arn} does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.`,
      );
    }
    return { TrailARN: config.arn, InsightSelectors: config.insightSelectors };
  };

  const listPublicKeys: Handler = async (input, ctx) => {
    const start = optionalTimestamp(input, 'StartTime') ?? ctx.now;
    const end = optionalTimestamp(input, 'EndTime') ?? ctx.now;
    if (optionalString(input, 'NextToken') !== undefined) throw new AwsError('InvalidTokenException', 'The NextToken is not valid.');
    if (start > end) throw new AwsError('InvalidTimeRangeException', 'StartTime must be before EndTime.');
    await currentSigningKey(trails, ctx.region, ctx.now);
    const keys = await trails.signingKeys(ctx.region);
    const list = keys
      .map((k, i) => ({ key: k, to: k.validTo ?? keys[i + 1]?.validFrom ?? k.validFrom + SIGNING_KEY_ROTATION_MS }))
      .filter(({ key, to }) => key.validFrom <= end && to >= start)
      .map(({ key, to }) => ({
        Value: key.publicKeyDer.toString('base64'),
        ValidityStartTime: key.validFrom / 1000,
        ValidityEndTime: to / 1000,
        Fingerprint: key.fingerprint,
      }));
    return { PublicKeyList: list };
  };

  return {
    CreateTrail: createTrail,
    UpdateTrail: updateTrail,
    DeleteTrail: deleteTrail,
    GetTrail: getTrail,
    DescribeTrails: describeTrails,
    ListTrails: listTrails,
    GetTrailStatus: getTrailStatus,
    StartLogging: startLogging,
    StopLogging: stopLogging,
    PutEventSelectors: putEventSelectors,
    GetEventSelectors: getEventSelectors,
    PutInsightSelectors: putInsightSelectors,
    GetInsightSelectors: getInsightSelectors,
    ListPublicKeys: listPublicKeys,
  };
}

function selectorsOutput(config: TrailConfig): OperationOutput {
  if (config.advancedEventSelectors) return { TrailARN: config.arn, AdvancedEventSelectors: config.advancedEventSelectors };
  return { TrailARN: config.arn, EventSelectors: config.eventSelectors ?? defaultEventSelectors() };
}

/** Trails as AddTags, RemoveTags and ListTags see them: a trail ARN of this account, seen in this region. */
export function trailTagKind(trails: TrailStore): TaggedResourceKind {
  return {
    claims: (arn) => /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\//.test(arn),
    async find(arn, ctx) {
      const ref = parseTrailRef(arn);
      const trail = ref.arn && ref.arn.accountId === ctx.accountId ? await trails.getByArn(trailArn(ref.arn.region, ref.arn.accountId, ref.name)) : undefined;
      if (!trail || !visibleIn(trail.config, ctx.region)) throw resourceNotFound(arn);
      return {
        tags: trail.config.tags,
        checkChange() {
          if (trail.config.homeRegion !== ctx.region) throw new AwsError('OperationNotPermittedException', `Tags of trail ${arn} can only be changed in its home region, ${trail.config.homeRegion}.`);
        },
        async save(tags) {
          const config: TrailConfig = structuredClone(trail.config);
          config.tags = tags;
          await trails.putConfig(trail.id, config);
        },
      };
    },
  };
}
