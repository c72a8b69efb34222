import { DEFAULTS, openBuckets, openConfiguredStore } from '../main.js';
import { parseTrailArnParts, validateLogs } from '../trails/index.js';

export interface ValidateLogsFlags {
  trailArn: string;
  startTime: string;
  endTime?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  accountId?: string;
  region?: string;
  verbose?: boolean;
  dataDir: string;
  store?: string;
  bucketsDir?: string;
  s3Endpoint?: string;
  s3Region?: string;
  kmsEndpoint?: string;
}

function parseTime(value: string, flag: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`Unable to parse date value for ${flag}: ${value}`);
  return ms;
}

/**
 * `cairn validate-logs`: the AWS CLI's validate-logs (same options, report and exit status) on
 * Cairn's own buckets (local directories or --s3-endpoint), with the keys from Cairn's store.
 */
export async function validateLogsCommand(flags: ValidateLogsFlags): Promise<void> {
  const arn = parseTrailArnParts(flags.trailArn);
  const store = await openConfiguredStore(flags);
  try {
    let bucket = flags.s3Bucket;
    let prefix = flags.s3Prefix;
    if (!bucket) {
      const trail = (await store.trails.list()).find((t) => t.config.arn === flags.trailArn);
      if (!trail) throw new Error(`A trail could not be found for ${flags.trailArn}`);
      bucket = trail.config.s3BucketName;
      prefix = trail.config.s3KeyPrefix;
    }
    const sourceRegion = flags.region ?? arn.homeRegion;
    const buckets = openBuckets({
      dataDir: flags.dataDir,
      region: flags.s3Region ?? DEFAULTS.region,
      trails: { s3Endpoint: flags.s3Endpoint, s3Region: flags.s3Region, bucketsDir: flags.bucketsDir, kmsEndpoint: flags.kmsEndpoint },
    });
    const ok = await validateLogs(
      {
        trailArn: flags.trailArn,
        bucket,
        prefix,
        accountId: flags.accountId ?? arn.accountId,
        sourceRegion,
        start: parseTime(flags.startTime, '--start-time'),
        end: flags.endTime ? parseTime(flags.endTime, '--end-time') : Date.now(),
        verbose: flags.verbose ?? false,
      },
      {
        listKeys: (b, p) => buckets.listKeys(b, p),
        getObject: (b, k) => buckets.getObject(b, k),
        publicKeys: async (start, end) => {
          const keys = await store.trails.signingKeys(sourceRegion);
          return new Map(keys.filter((k) => k.validFrom <= end && (k.validTo ?? Infinity) >= start).map((k) => [k.fingerprint, k.publicKeyDer]));
        },
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      },
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
