import { athenaDdl, lakeAthenaDdl, lakeStoreLocation } from '../lake/index.js';

export interface AthenaDdlFlags {
  bucket?: string;
  /** An event data store whose Parquet is in the Lake's S3 location (`--lake-s3`). */
  eventDataStore?: string;
  lakeS3?: string;
  prefix?: string;
  accountId: string;
  regions: string;
  tableName: string;
  startDate: string;
}

/** `cairn athena-ddl`: prints the Athena table (with partition projection) for a trail's bucket. */
export function athenaDdlCommand(flags: AthenaDdlFlags): void {
  if (flags.eventDataStore !== undefined) {
    lakeStoreDdl(flags);
    return;
  }
  if (flags.bucket === undefined) throw new Error('--bucket (a trail\'s bucket) or --event-data-store with --lake-s3 is required');
  if (!/^\d{12}$/.test(flags.accountId)) throw new Error(`--account-id must be 12 digits, not ${flags.accountId}`);
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(flags.startDate)) throw new Error(`--start-date must be YYYY/MM/DD, not ${flags.startDate}`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(flags.bucket)) throw new Error(`--bucket ${flags.bucket} is not a valid bucket name`);
  if (!/^[A-Za-z_]\w*$/.test(flags.tableName)) throw new Error(`--table-name ${flags.tableName} is not a valid table name`);
  const regions = flags.regions.split(',').map((r) => r.trim()).filter(Boolean);
  process.stdout.write(athenaDdl({ tableName: flags.tableName, bucket: flags.bucket, ...(flags.prefix ? { prefix: flags.prefix } : {}), accountId: flags.accountId, regions, startDate: flags.startDate }));
}

/** The table over an event data store's Parquet files, where `serve --lake-s3` keeps them. */
function lakeStoreDdl(flags: AthenaDdlFlags): void {
  const id = flags.eventDataStore!.split('/').at(-1)!;
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`--event-data-store ${flags.eventDataStore!} is not an event data store id or ARN`);
  if (!flags.lakeS3 || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(flags.lakeS3)) throw new Error('--event-data-store needs --lake-s3 s3://bucket/prefix (as given to cairn serve)');
  if (!/^[A-Za-z_]\w*$/.test(flags.tableName)) throw new Error(`--table-name ${flags.tableName} is not a valid table name`);
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(flags.startDate)) throw new Error(`--start-date must be YYYY/MM/DD, not ${flags.startDate}`);
  process.stdout.write(lakeAthenaDdl({ tableName: flags.tableName, location: lakeStoreLocation(flags.lakeS3, id), startDate: flags.startDate.replaceAll('/', '-') }));
}
