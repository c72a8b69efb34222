import { DEFAULTS, openBuckets } from '../main.js';

export async function createBucketCommand(name: string, flags: { dataDir: string; bucketsDir?: string }): Promise<void> {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw new Error(`${name} is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  const buckets = openBuckets({ dataDir: flags.dataDir, region: DEFAULTS.region, trails: { bucketsDir: flags.bucketsDir } });
  await buckets.createBucket(name);
  process.stdout.write(`Created bucket ${name} (${buckets.description})\n`);
}
