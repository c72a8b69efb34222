import { athenaDdl } from '../lake/index.js';

export interface AthenaDdlFlags {
  bucket: string;
  prefix?: string;
  accountId: string;
  regions: string;
  tableName: string;
  startDate: string;
}

/** `cairn athena-ddl`: prints the Athena table (with partition projection) for a trail's bucket. */
export function athenaDdlCommand(flags: AthenaDdlFlags): void {
  if (!/^\d{12}$/.test(flags.accountId)) throw new Error(`--account-id must be 12 digits, not ${flags.accountId}`);
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(flags.startDate)) throw new Error(`--start-date must be YYYY/MM/DD, not ${flags.startDate}`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(flags.bucket)) throw new Error(`--bucket ${flags.bucket} is not a valid bucket name`);
  if (!/^[A-Za-z_]\w*$/.test(flags.tableName)) throw new Error(`--table-name ${flags.tableName} is not a valid table name`);
  const regions = flags.regions.split(',').map((r) => r.trim()).filter(Boolean);
  process.stdout.write(athenaDdl({ tableName: flags.tableName, bucket: flags.bucket, ...(flags.prefix ? { prefix: flags.prefix } : {}), accountId: flags.accountId, regions, startDate: flags.startDate }));
}
