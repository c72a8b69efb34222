/**
 * The composition root: the one place that picks concrete backends (SQLite store, HTTP server)
 * and wires them together. Everything else takes interfaces.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import type { BucketStore, KeyService } from './buckets/index.js';
import { KmsKeyService, LocalDirectoryBuckets, LocalObjectDecryptor, S3Buckets } from './buckets/index.js';
import type { Notifier } from './delivery/index.js';
import { DeliveryWorker, SnsNotifier, WebhookNotifier } from './delivery/index.js';
import { cachedCredentialLookup, emulatorCredential, identityFor, newAccessKey, readCredentialScope, verifySigV4 } from './auth/index.js';
import type { Authenticator, IdentityLookup } from './gateway/index.js';
import { AUDIT_SIGNING_NAME, createGateway, RecordingProxy } from './gateway/index.js';
import type { UpstreamMap } from './proxy/index.js';
import type { UserIdentity } from './records/index.js';
import { iamUserKey, unknownIdentity, withKnownUser } from './recorder/index.js';
import { GroupCommitter, IntakeLog, withReadYourWrites } from './journal/index.js';
import { ImportRunner, LakeEngine, LakeIngestWorker, LakePaths, onFirstUse, ParquetWriter, ResultDelivery } from './lake/index.js';
import type { DatasetStorage } from './lake/index.js';
import { LocalDatasetStorage, parseS3Url, S3DatasetStorage } from './lake/index.js';
import { AuditEventsService, CloudTrailService } from './services/index.js';
import type { CairnStore, Credential, EventStore } from './store/index.js';
import type { CredentialCheck } from './console/index.js';
import { ConsoleHandler, secretsEqual } from './console/index.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { JobLeases } from './coordination/index.js';
// Not through the folder's index, which also exports the PostgreSQL leases (and so loads `pg`).
import { LocalLeases } from './coordination/local-leases.js';

export interface CairnConfig {
  dataDir: string;
  /**
   * Where events and state live: absent, SQLite in `dataDir`; a `postgres://` URL, PostgreSQL shared
   * by any number of nodes (jobs that must run once take leases there). See docs/scaling.md.
   */
  store?: string;
  host: string;
  port: number;
  accountId: string;
  region: string;
  /** 'off' is emulator mode, accepting every key (a 12-digit key id acts as that account). */
  auth: 'on' | 'off';
  retentionDays: number;
  bodyLimit: number;
  tls?: { cert: Buffer; key: Buffer };
  logger?: Logger;
  /** Recording gateway mode (`--upstream` or a config file). */
  gateway?: GatewayModeConfig;
  trails?: TrailsConfig;
  lake?: LakeConfig;
  /** The web console under /console (on unless `enabled` is false). */
  console?: ConsoleConfig;
}

/** CloudTrail Lake: how often the journal is ingested, and the query limits. */
export interface LakeConfig {
  ingestIntervalMs: number;
  queryTimeoutMs: number;
  memoryLimit: string;
  /**
   * `s3://bucket/prefix`: event data stores and event history as Parquet in S3 (shared by every
   * node) instead of `<data-dir>/lake`. Endpoint: `s3Endpoint`, else the trails' S3 endpoint.
   */
  s3?: string;
  s3Endpoint?: string;
  /** The local cache of Lake files read from S3, in MiB (default 1024). */
  cacheMb?: number;
  /** Lake imports write their events every this many log files at most (default 200). */
  importBatchFiles?: number;
}

export interface ConsoleConfig {
  enabled: boolean;
  /** How long a console sign-in lasts (absolute, from sign-in). */
  sessionTtlSeconds: number;
  /** The built app; default: `web/` beside this file (dist/web). */
  staticDir?: string;
}

/** Where trails deliver, and how often. */
export interface TrailsConfig {
  /** An S3 API endpoint; without one, buckets are directories under `bucketsDir`. */
  s3Endpoint?: string;
  s3Region?: string;
  bucketsDir?: string;
  deliveryIntervalSeconds: number;
  digestIntervalSeconds: number;
  /** Delivery notifications: an SNS API endpoint, or else an HTTP webhook. */
  snsEndpoint?: string;
  notifyWebhook?: string;
  /** A KMS API endpoint: checks trails' KmsKeyId and makes data keys for local buckets. */
  kmsEndpoint?: string;
}

export interface GatewayModeConfig {
  upstreams: UpstreamMap;
  /** Peers whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** Identities from an identities file, by access key id. */
  identities: ReadonlyMap<string, UserIdentity>;
}

export const DEFAULTS = {
  dataDir: '.cairn',
  host: '127.0.0.1',
  port: 4590,
  accountId: '123456789012',
  region: 'us-east-1',
  retentionDays: 90,
  bodyLimit: 2 * 1024 * 1024,
  /** AWS delivers log files about every 5 minutes and digests hourly. */
  deliveryIntervalSeconds: 300,
  digestIntervalSeconds: 3600,
  lake: { ingestIntervalMs: 2_000, queryTimeoutMs: 3_600_000, memoryLimit: '1GB' },
  /** The local cache of Lake files read from S3. */
  lakeCacheMb: 1024,
  /** AWS console sessions of IAM users last 12 hours. */
  consoleSessionTtlSeconds: 12 * 3600,
} as const;

const DAY_MS = 86_400_000;
/** SigV4 service names Cairn's API answers to. */
const SIGNING_SERVICES = ['cloudtrail'];
const UPKEEP_EVERY_MS = 5_000;
const PURGE_EVERY_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;
const RETENTION_BATCH = 5_000;
/** Nodes starting within this window of the first one share its admin key (see ensureAdminKey). */
const ADMIN_KEY_CLAIM_MS = 120_000;
/** How long the first Lake operation waits for event history to be ingested before it goes on. */
const LAKE_CATCH_UP_MS = 20_000;
/** How often ongoing Lake imports not running in this process are looked for (after a restart, a lost lease). */
const IMPORT_POLL_MS = 10_000;
/** How often finished queries with a pending DeliveryS3Uri are looked for. */
const RESULT_DELIVERY_POLL_MS = 500;

/** Opens the store named by the configuration (for the server and for offline commands). */
export function openStore(config: { dataDir: string; bulkWriter?: boolean }): CairnStore {
  return openSqliteStore({ dataDir: config.dataDir, bulkWriter: config.bulkWriter });
}

/** The bucket store trails write to: S3 at an endpoint, else local directories (`<data-dir>/buckets`). */
export function openBuckets(config: {
  dataDir: string;
  region: string;
  trails?: Pick<TrailsConfig, 's3Endpoint' | 's3Region' | 'bucketsDir' | 'kmsEndpoint'>;
  gateway?: Pick<GatewayModeConfig, 'upstreams'>;
  /** Signs for the emulator's S3 when the environment holds no AWS credentials (it accepts any key). */
  emulatorCredentials?: Credential;
}): BucketStore {
  const trails = config.trails;
  if (trails?.s3Endpoint) return new S3Buckets({ endpoint: trails.s3Endpoint, region: trails.s3Region ?? config.region });
  // In front of an emulator, trails deliver to its S3 unless told otherwise.
  const upstreamS3 = config.gateway ? (config.gateway.upstreams.byService.get('s3') ?? config.gateway.upstreams.default) : undefined;
  if (upstreamS3) {
    const fallback = config.emulatorCredentials;
    return new S3Buckets({
      endpoint: upstreamS3.href.replace(/\/$/, ''),
      region: trails?.s3Region ?? config.region,
      ...(fallback ? { fallbackCredentials: { accessKeyId: fallback.accessKeyId, secretAccessKey: fallback.secretAccessKey } } : {}),
    });
  }
  return new LocalDirectoryBuckets(trails?.bucketsDir ?? join(config.dataDir, 'buckets'), openKeyService(config));
}

/** Reads log files envelope-encrypted in local buckets (for `cairn import`), with the KMS at `kmsEndpoint`. */
export function openObjectDecryptor(config: { region: string; kmsEndpoint?: string }): LocalObjectDecryptor {
  return new LocalObjectDecryptor(openKeyService({ region: config.region, trails: { kmsEndpoint: config.kmsEndpoint } }));
}

function openKeyService(config: { region: string; trails?: Pick<TrailsConfig, 'kmsEndpoint'> }): KeyService | undefined {
  return config.trails?.kmsEndpoint ? new KmsKeyService({ endpoint: config.trails.kmsEndpoint, region: config.region }) : undefined;
}

function openNotifier(config: { region: string; trails?: TrailsConfig }): Notifier | undefined {
  if (config.trails?.snsEndpoint) return new SnsNotifier({ endpoint: config.trails.snsEndpoint, region: config.region });
  if (config.trails?.notifyWebhook) return new WebhookNotifier(config.trails.notifyWebhook);
  return undefined;
}

export interface RunningCairn {
  url: string;
  server: Server;
  store: CairnStore;
  /** The admin key created by this start (first start only). */
  createdAdminKey?: Credential;
  /** Path of the 0600 file holding the admin key's export lines. */
  adminKeyFile: string;
  close(): Promise<void>;
}

/**
 * The store `--store` names (PostgreSQL), else SQLite in the data directory. `bulkWriter`: the
 * process mostly appends events the store does not have yet (`cairn import`).
 */
export async function openConfiguredStore(config: { dataDir: string; store?: string; bulkWriter?: boolean }): Promise<CairnStore> {
  if (config.store === undefined) return openStore(config);
  if (!/^postgres(ql)?:\/\//.test(config.store)) throw new Error(`--store must be a postgres:// URL, not ${config.store}`);
  // Loaded only when asked for: a SQLite process never loads the PostgreSQL client.
  const { openPostgresStore } = await import('./store/postgres/index.js');
  return openPostgresStore({ url: config.store, applicationName: `cairn-${process.pid}` });
}

/** Job leases: PostgreSQL advisory locks when nodes share a PostgreSQL store, else this process holds them all. */
async function openLeases(config: CairnConfig, logger: Logger): Promise<JobLeases> {
  if (config.store === undefined) return new LocalLeases();
  const { PostgresLeases } = await import('./coordination/postgres-leases.js');
  return new PostgresLeases({ url: config.store, logger, applicationName: `cairn-leases-${process.pid}` });
}

export async function startCairn(config: CairnConfig): Promise<RunningCairn> {
  const logger = config.logger ?? pino({ level: 'info' }, pino.destination(2));
  const store = await openConfiguredStore(config);
  const leases = await openLeases(config, logger);
  const adminKeyFile = join(config.dataDir, 'admin-key.env');
  const createdAdminKey = await ensureAdminKey(store, config, adminKeyFile);
  const tokenKey = Buffer.from(await store.settings.putIfAbsent('page-token-key', randomBytes(32).toString('hex')), 'hex');
  // On a local store, calls are acknowledged once in the intake log; the store takes them right after.
  // Nodes sharing PostgreSQL append to it directly, so every node sees every acknowledged event at once.
  const intake = config.store === undefined ? await IntakeLog.open(join(config.dataDir, 'intake.log'), store.events, logger) : undefined;
  const events = intake ? withReadYourWrites(store.events, intake) : store.events;
  const committer = new GroupCommitter(intake ?? store.events);
  // Trails: the bucket store, and the worker that delivers log files and digests to it.
  const admin = (await store.credentials.list()).find((c) => c.principalType === 'Root' && c.accountId === config.accountId);
  const buckets = openBuckets({ ...config, ...(admin ? { emulatorCredentials: admin } : {}) });
  const keyService = openKeyService(config);
  const lake = openLake({ events, lake: store.lake }, config, logger, leases);
  // Lake ingestion (and its DuckDB, ~55 MB resident) runs once the Lake is used: a store exists, history
  // was ingested before, or a Lake operation arrives (which first lets the history catch up, for a while).
  // Every node checks; only the holder of the `lake-ingest` lease ingests (see LakeIngestWorker).
  const lakeState = onFirstUse(store.lake, async () => {
    await lake.ingest.markInUse();
    await lake.ingest.catchUp(LAKE_CATCH_UP_MS);
  });
  lake.ingest.start();
  if (config.store !== undefined && !config.lake?.s3) logger.warn('the Lake is on this node\'s disk: with several nodes, give every node --lake-s3 so each sees every event data store');
  // Lake imports (StartImport): read from the bucket store, written into the stores' datasets.
  const imports = new ImportRunner({
    state: store.lake,
    buckets,
    backend: lake.engine,
    leases,
    logger,
    pollMs: IMPORT_POLL_MS,
    ...(config.lake?.importBatchFiles ? { batchFiles: config.lake.importBatchFiles } : {}),
  });
  const resultDelivery = new ResultDelivery({ state: store.lake, buckets, logger, pollMs: RESULT_DELIVERY_POLL_MS });
  const service = new CloudTrailService({
    events,
    tokenKey,
    trails: store.trails,
    bucketExists: (b) => buckets.bucketExists(b),
    encryption: buckets.supportsEncryption,
    ...(keyService ? { kmsKeyState: (key: string) => keyService.keyState(key) } : {}),
    lake: { state: lakeState, events, backend: lake.engine, newId: () => randomUUID(), bucketExists: (b) => buckets.bucketExists(b) },
    imports: { state: lakeState, runner: imports, newId: () => randomUUID() },
  });
  const delivery = new DeliveryWorker({
    trails: store.trails,
    events,
    buckets,
    logger,
    deliveryIntervalMs: (config.trails?.deliveryIntervalSeconds ?? DEFAULTS.deliveryIntervalSeconds) * 1000,
    digestIntervalMs: (config.trails?.digestIntervalSeconds ?? DEFAULTS.digestIntervalSeconds) * 1000,
    notifier: openNotifier(config),
    leases,
  });
  const server = createGateway({
    service,
    committer,
    authenticate: config.auth === 'off' ? emulatorAuthenticator(config) : signatureAuthenticator(store),
    logger,
    bodyLimit: config.bodyLimit,
    tls: config.tls,
    ...(config.gateway ? { proxy: recordingProxy(store, config, config.gateway, committer, logger) } : {}),
    ...(config.console?.enabled === false ? {} : { console: consoleHandler(store, config, { service, committer, buckets, logger }) }),
    // PutAuditEvents (cloudtrail-data): custom events into the ActivityAuditLog stores of a channel.
    auditEvents: {
      service: new AuditEventsService({ state: lakeState, backend: lake.engine, newId: () => randomUUID() }),
      authenticate: config.auth === 'off' ? emulatorAuthenticator(config) : signatureAuthenticator(store, [AUDIT_SIGNING_NAME]),
      logger,
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const upkeep = startUpkeep(store.events, config.retentionDays, logger, leases);
  delivery.start();
  imports.startPolling();
  resultDelivery.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    store,
    createdAdminKey,
    adminKeyFile,
    close: () =>
      (closing ??= (async () => {
        await upkeep.stop();
        await delivery.stop();
        await lake.ingest.stop();
        await imports.close();
        await resultDelivery.stop();
        await leases.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Calls in flight get a moment to finish; then keep-alive connections are cut.
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        await committer.flush();
        await intake?.close();
        await lake.engine.drain();
        lake.writer.close();
        await store.close();
      })()),
  };
}

// --- CloudTrail Lake ---------------------------------------------------------------------------

export interface OpenedLake {
  engine: LakeEngine;
  ingest: LakeIngestWorker;
  writer: ParquetWriter;
  paths: LakePaths;
}

/**
 * The Lake over a store: Parquet under `<data-dir>/lake`, or in S3 (`lake.s3`) with a local cache
 * under `<data-dir>/lake-cache`; queries in sandboxed DuckDBs.
 */
export function openLake(
  store: Pick<CairnStore, 'events' | 'lake'>,
  config: { dataDir: string; region?: string; lake?: LakeConfig; trails?: Pick<TrailsConfig, 's3Endpoint' | 's3Region'> },
  logger: Logger,
  leases?: JobLeases,
): OpenedLake {
  const settings = config.lake ?? DEFAULTS.lake;
  const { storage, root } = openLakeStorage(config);
  const paths = new LakePaths(root);
  const writer = new ParquetWriter(1, storage);
  const engine = new LakeEngine({ state: store.lake, paths, writer, logger, queryTimeoutMs: settings.queryTimeoutMs, memoryLimit: settings.memoryLimit, threads: 2, maxRunning: 4 });
  const ingest = new LakeIngestWorker({ events: store.events, state: store.lake, paths, writer, logger, intervalMs: settings.ingestIntervalMs, ...(leases ? { leases } : {}) });
  return { engine, ingest, writer, paths };
}

/** Where the Lake's datasets live: the dataset paths' root, and the storage they are in. */
function openLakeStorage(config: { dataDir: string; region?: string; lake?: LakeConfig; trails?: Pick<TrailsConfig, 's3Endpoint' | 's3Region'> }): { storage: DatasetStorage; root: string } {
  const lake = config.lake;
  if (!lake?.s3) return { storage: new LocalDatasetStorage(), root: join(config.dataDir, 'lake') };
  const { bucket, prefix } = parseS3Url(lake.s3);
  const endpoint = lake.s3Endpoint ?? config.trails?.s3Endpoint;
  const storage = new S3DatasetStorage({
    bucket,
    prefix,
    region: config.trails?.s3Region ?? config.region ?? DEFAULTS.region,
    ...(endpoint ? { endpoint } : {}),
    cacheDir: join(config.dataDir, 'lake-cache'),
    cacheBytes: (lake.cacheMb ?? DEFAULTS.lakeCacheMb) * 1024 * 1024,
  });
  // Dataset paths are the object keys below the prefix: `<prefix>/stores/<id>`, `<prefix>/history/account=<id>`.
  return { storage, root: prefix };
}

// --- Gateway mode -------------------------------------------------------------------------------

function recordingProxy(store: CairnStore, config: CairnConfig, gateway: GatewayModeConfig, committer: GroupCommitter, logger: Logger): RecordingProxy {
  return new RecordingProxy({
    upstreams: gateway.upstreams,
    committer,
    identify: gatewayIdentities(store, config, gateway),
    learn: async (learned, at) => {
      for (const { accessKeyId, identity } of learned) {
        // A key of a known IAM user carries the user's real id and ARN.
        const user = identity.type === 'IAMUser' && identity.userName && identity.accountId ? await store.learnedIdentities.get(iamUserKey(identity.accountId, identity.userName)) : undefined;
        await store.learnedIdentities.put(accessKeyId, accessKeyId.includes(':') ? identity : withKnownUser(identity, user), at);
      }
    },
    defaultRegion: config.region,
    trustedProxies: new Set(gateway.trustedProxies),
    logger,
    agents: { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) },
  });
}

/** A forwarded call's signer: Cairn's own keys, then the identities file, then keys learned from replies. */
function gatewayIdentities(store: CairnStore, config: CairnConfig, gateway: GatewayModeConfig): IdentityLookup {
  return async (accessKeyId) => {
    if (accessKeyId) {
      const credential = await store.credentials.get(accessKeyId);
      if (credential) return { identity: identityFor(credential), accountId: credential.accountId };
      const known = gateway.identities.get(accessKeyId) ?? (await store.learnedIdentities.get(accessKeyId));
      if (known) return { identity: known, accountId: known.accountId ?? config.accountId };
    }
    return { identity: unknownIdentity(accessKeyId, config.accountId), accountId: config.accountId };
  };
}

// --- Console ------------------------------------------------------------------------------------

function consoleHandler(
  store: CairnStore,
  config: CairnConfig,
  parts: { service: CloudTrailService; committer: GroupCommitter; buckets: BucketStore; logger: Logger },
): ConsoleHandler {
  return new ConsoleHandler({
    ...parts,
    signingKeys: (region) => store.trails.signingKeys(region),
    staticDir: config.console?.staticDir ?? join(import.meta.dirname, 'web'),
    defaultAccountId: config.accountId,
    defaultRegion: config.region,
    sessionTtlSeconds: config.console?.sessionTtlSeconds ?? DEFAULTS.consoleSessionTtlSeconds,
    secure: config.tls !== undefined,
    checkCredentials: async (accessKeyId, secret): Promise<CredentialCheck> => {
      if (config.auth === 'off') {
        const credential = emulatorCredential(accessKeyId, { accountId: config.accountId });
        return { outcome: 'valid', accountId: credential.accountId, identity: identityFor(credential) };
      }
      const credential = await store.credentials.get(accessKeyId);
      if (!credential) return { outcome: 'unknown-key' };
      const identity = identityFor(credential);
      return secretsEqual(secret, credential.secretAccessKey) ? { outcome: 'valid', accountId: credential.accountId, identity } : { outcome: 'wrong-secret', accountId: credential.accountId, identity };
    },
  });
}

// -------------------------------------------------------------------------------------------------

function signatureAuthenticator(store: CairnStore, services: readonly string[] = SIGNING_SERVICES): Authenticator {
  const lookup = cachedCredentialLookup((id) => store.credentials.get(id));
  return async (request, now) => {
    const verified = await verifySigV4(request, lookup, { now, services });
    return {
      accountId: verified.credential.accountId,
      region: verified.region,
      accessKeyId: verified.accessKeyId,
      identity: identityFor(verified.credential),
    };
  };
}

function emulatorAuthenticator(config: CairnConfig): Authenticator {
  return (request) => {
    const scope = readCredentialScope(request.url, request.headers);
    const credential = emulatorCredential(scope?.accessKeyId ?? 'anonymous', { accountId: config.accountId });
    return Promise.resolve({
      accountId: credential.accountId,
      region: scope?.region ?? config.region,
      accessKeyId: credential.accessKeyId,
      identity: identityFor(credential),
    });
  };
}

/** First start: an admin (root) key for the default account, kept in the store and a 0600 file. */
async function ensureAdminKey(store: CairnStore, config: CairnConfig, file: string): Promise<Credential | undefined> {
  // Nodes starting at once on one shared store would each make a key: the first claim decides, and
  // every node starting within the first-start window writes that key to its own file. A claim
  // older than the window is of a key that may have been deleted since: it is never brought back.
  const claimName = `first-admin-key:${config.accountId}`;
  const fresh = (claim: Credential): boolean => Date.now() - claim.createdAt < ADMIN_KEY_CLAIM_MS;
  // Keys made with `cairn keys create` before the first start don't count: the default account's root does.
  const keys = await store.credentials.list();
  if (keys.some((k) => k.principalType === 'Root' && k.accountId === config.accountId)) {
    const text = await store.settings.get(claimName);
    const claimed = text === undefined ? undefined : (JSON.parse(text) as Credential);
    // Another node made the key a moment ago: this one writes it too (unless it already has a file).
    if (claimed && fresh(claimed) && !existsSync(file) && keys.some((k) => k.accessKeyId === claimed.accessKeyId)) writeKeyFile(file, claimed, config.region);
    return undefined;
  }
  const candidate: Credential = { ...newAccessKey('AKIA'), accountId: config.accountId, principalType: 'Root', createdAt: Date.now() };
  const claimed = JSON.parse(await store.settings.putIfAbsent(claimName, JSON.stringify(candidate))) as Credential;
  const key = fresh(claimed) ? claimed : candidate;
  // The file first: a crash between the two steps must not leave a key nobody can read.
  writeKeyFile(file, key, config.region);
  await store.credentials.put(key);
  return key.accessKeyId === candidate.accessKeyId ? key : undefined;
}

/** The key's export lines in a 0600 file, written atomically. */
function writeKeyFile(file: string, key: Credential, region: string): void {
  writeFileSync(`${file}.tmp`, exportLines(key, region), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function exportLines(credential: Credential, region: string): string {
  return [
    `export AWS_ACCESS_KEY_ID=${credential.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${credential.secretAccessKey}`,
    `export AWS_DEFAULT_REGION=${region}`,
    '',
  ].join('\n');
}

/**
 * Upkeep every minute: deletes events older than the retention period, then compacts small chunks;
 * both in small batches, so reads and writes never wait long.
 */
function startUpkeep(events: Pick<EventStore, 'compact' | 'purgeReceivedBefore'>, days: number, logger: Logger, leases: JobLeases): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastPurge = 0;
  const run = async (): Promise<void> => {
    // Retention runs on the one node holding its lease (the only node, on SQLite).
    if (Date.now() - lastPurge >= PURGE_EVERY_MS && (await leases.hold('retention'))) {
      lastPurge = Date.now();
      const cutoff = Date.now() - days * DAY_MS;
      let purged = 0;
      for (let n = RETENTION_BATCH; n === RETENTION_BATCH; purged += n) {
        n = await events.purgeReceivedBefore(cutoff, RETENTION_BATCH);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (purged > 0) logger.info({ purged, days }, 'retention purged old events');
    }
    // Often: a busy server records calls a few per commit, and lookups of the newest events walk those small chunks.
    while (!stopped && (await events.compact()) > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const timer = setInterval(() => {
    running ??= run()
      .catch((error: unknown) => logger.error({ err: error }, 'upkeep failed'))
      .finally(() => (running = undefined));
  }, UPKEEP_EVERY_MS);
  timer.unref();
  return {
    // A round under way finishes before the store closes.
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
