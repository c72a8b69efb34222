import { readFileSync } from 'node:fs';
import type { CairnConfig } from '../main.js';
import { DEFAULTS, exportLines, startCairn } from '../main.js';
import { gatewayConfig } from './gateway-config.js';
import { configFileStore } from './store-option.js';

export interface ServeFlags {
  dataDir: string;
  /** `postgres://...` (--store or CAIRN_STORE): the shared store of several nodes (else the config file's "store", or SQLite). */
  store?: string;
  host: string;
  port: string;
  accountId: string;
  region: string;
  auth: string;
  retentionDays: string;
  tlsCert?: string;
  tlsKey?: string;
  upstream?: string;
  config?: string;
  trustedProxy?: string[];
  identities?: string;
  s3Endpoint?: string;
  s3Region?: string;
  bucketsDir?: string;
  deliveryInterval: string;
  digestInterval: string;
  snsEndpoint?: string;
  notifyWebhook?: string;
  kmsEndpoint?: string;
  lakeInterval: string;
  lakeQueryTimeout: string;
  lakeMemory: string;
  /** `s3://bucket/prefix` for the Lake's Parquet (else the config file's `lake.bucket`). */
  lakeS3?: string;
  lakeS3Endpoint?: string;
  lakeCacheMb?: string;
  importBatchFiles: string;
  console: boolean;
  consoleSessionTtl: string;
}

export async function serve(flags: ServeFlags): Promise<void> {
  process.umask(0o077);
  if (flags.auth !== 'on' && flags.auth !== 'off') throw new Error(`--auth must be on or off, not ${flags.auth}`);
  if (!/^\d{12}$/.test(flags.accountId)) throw new Error(`--account-id must be 12 digits, not ${flags.accountId}`);
  const store = flags.store ?? configFileStore(flags.config);
  const config: CairnConfig = {
    dataDir: flags.dataDir,
    ...(store ? { store } : {}),
    host: flags.host,
    port: parseInteger(flags.port, '--port'),
    accountId: flags.accountId,
    region: flags.region,
    auth: flags.auth,
    retentionDays: parseInteger(flags.retentionDays, '--retention-days'),
    bodyLimit: DEFAULTS.bodyLimit,
    trails: {
      s3Endpoint: flags.s3Endpoint,
      s3Region: flags.s3Region,
      bucketsDir: flags.bucketsDir,
      deliveryIntervalSeconds: positive(flags.deliveryInterval, '--delivery-interval'),
      digestIntervalSeconds: positive(flags.digestInterval, '--digest-interval'),
      snsEndpoint: flags.snsEndpoint,
      notifyWebhook: flags.notifyWebhook,
      kmsEndpoint: flags.kmsEndpoint,
    },
    lake: {
      ingestIntervalMs: Math.round(positive(flags.lakeInterval, '--lake-interval') * 1000),
      queryTimeoutMs: Math.round(positive(flags.lakeQueryTimeout, '--lake-query-timeout') * 1000),
      memoryLimit: flags.lakeMemory,
      ...lakeS3Settings(flags),
      importBatchFiles: parseInteger(flags.importBatchFiles, '--import-batch-files'),
    },
    console: { enabled: flags.console, sessionTtlSeconds: positive(flags.consoleSessionTtl, '--console-session-ttl') },
    ...(flags.tlsCert && flags.tlsKey ? { tls: { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } } : {}),
  };
  const gateway = gatewayConfig(flags);
  if (gateway) config.gateway = gateway;
  const cairn = await startCairn(config);
  const where = config.store ? `store ${redactPassword(config.store)}` : `data in ${config.dataDir}`;
  const out: string[] = [`Cairn is listening on ${cairn.url} (${where}, auth ${config.auth})`];
  if (gateway) {
    const routes = [...(gateway.upstreams.default ? [`default → ${gateway.upstreams.default.origin}`] : []), ...[...gateway.upstreams.byService].map(([s, u]) => `${s} → ${u.origin}${u.pathname.replace(/\/$/, '')}`)];
    out.push(`Recording gateway: forwarding ${routes.join(', ')}`);
  }
  if (cairn.createdAdminKey) {
    out.push('', `Created an admin access key for account ${config.accountId}; it is kept in ${cairn.adminKeyFile} (mode 0600):`, '');
    out.push(exportLines(cairn.createdAdminKey, config.region));
  } else if (config.auth === 'on') {
    out.push(`Credentials: source ${cairn.adminKeyFile} (or create keys with \`cairn keys create\`).`);
  }
  if (flags.console) out.push(`Console: ${cairn.url}/console/ (sign in with an access key and secret)`);
  out.push(`Try: aws cloudtrail lookup-events --endpoint-url ${cairn.url} --max-items 5`, '');
  process.stdout.write(out.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await cairn.close();
  process.stderr.write('Cairn stopped.\n');
}

/** The Lake in S3: `--lake-s3` or the config file's `"lake": {"bucket": "s3://...", "endpoint": URL}`. */
function lakeS3Settings(flags: ServeFlags): { s3?: string; s3Endpoint?: string; cacheMb?: number } {
  const file = flags.config ? configFileLake(flags.config) : {};
  const s3 = flags.lakeS3 ?? file.bucket;
  const endpoint = flags.lakeS3Endpoint ?? file.endpoint;
  if (s3 !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s3)) throw new Error(`--lake-s3 must be s3://bucket/prefix, not ${s3}`);
  return {
    ...(s3 !== undefined ? { s3 } : {}),
    ...(endpoint !== undefined ? { s3Endpoint: endpoint } : {}),
    ...(flags.lakeCacheMb !== undefined ? { cacheMb: positiveCount(flags.lakeCacheMb, '--lake-cache-mb') } : {}),
  };
}

function configFileLake(path: string): { bucket?: string; endpoint?: string } {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { lake?: { bucket?: unknown; endpoint?: unknown } } | null;
  const lake = parsed?.lake;
  if (lake === undefined) return {};
  if (typeof lake !== 'object' || lake === null) throw new Error(`${path}: "lake" must be an object`);
  if (lake.bucket !== undefined && typeof lake.bucket !== 'string') throw new Error(`${path}: "lake.bucket" must be an s3://bucket/prefix URL`);
  if (lake.endpoint !== undefined && typeof lake.endpoint !== 'string') throw new Error(`${path}: "lake.endpoint" must be a URL`);
  return { ...(lake.bucket !== undefined ? { bucket: lake.bucket } : {}), ...(lake.endpoint !== undefined ? { endpoint: lake.endpoint } : {}) };
}

function positiveCount(value: string, flag: string): number {
  const n = parseInteger(value, flag);
  if (n < 1) throw new Error(`${flag} must be at least 1`);
  return n;
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function positive(value: string, flag: string): number {
  const n = parseInteger(value, flag);
  if (n < 1) throw new Error(`${flag} must be at least 1 second`);
  return n;
}

export function parseInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a whole number, not ${value}`);
  return Number(value);
}
