/**
 * Athena's CloudTrail table (the column names and types AWS documents for `CREATE EXTERNAL TABLE
 * cloudtrail_logs`), for SQL over raw trail archives, and the DDL itself. Pure.
 */

const IDENTITY = 'type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR';

/** Athena column → DuckDB type. Parameters stay JSON text, as Athena's table declares them STRING. */
export const ATHENA_COLUMNS: readonly (readonly [string, string])[] = [
  ['eventversion', 'VARCHAR'],
  [
    'useridentity',
    `STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR), sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR), sessionissuer STRUCT(${IDENTITY}), ec2roledelivery VARCHAR, webidfederationdata STRUCT(federatedprovider VARCHAR, attributes MAP(VARCHAR, VARCHAR)), sourceidentity VARCHAR))`,
  ],
  ['eventtime', 'VARCHAR'],
  ['eventsource', 'VARCHAR'],
  ['eventname', 'VARCHAR'],
  ['awsregion', 'VARCHAR'],
  ['sourceipaddress', 'VARCHAR'],
  ['useragent', 'VARCHAR'],
  ['errorcode', 'VARCHAR'],
  ['errormessage', 'VARCHAR'],
  ['requestparameters', 'VARCHAR'],
  ['responseelements', 'VARCHAR'],
  ['additionaleventdata', 'VARCHAR'],
  ['requestid', 'VARCHAR'],
  ['eventid', 'VARCHAR'],
  ['resources', 'STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]'],
  ['eventtype', 'VARCHAR'],
  ['apiversion', 'VARCHAR'],
  ['readonly', 'VARCHAR'],
  ['recipientaccountid', 'VARCHAR'],
  ['serviceeventdetails', 'VARCHAR'],
  ['sharedeventid', 'VARCHAR'],
  ['vpcendpointid', 'VARCHAR'],
  ['vpcendpointaccountid', 'VARCHAR'],
  ['eventcategory', 'VARCHAR'],
  ['tlsdetails', 'STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)'],
];

const TEXT_COLUMNS = new Set(['requestparameters', 'responseelements', 'additionaleventdata', 'serviceeventdetails']);

export function athenaJsonColumns(): string {
  return `{${ATHENA_COLUMNS.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
}

/** Athena's JSON SerDe matches field names case-insensitively: every key lower-cased. */
function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), lowerKeys(v)]));
}

/** A record as one row of Athena's table: lower-case names, parameters as JSON text, readonly a string. */
export function toAthenaRow(record: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const name = key.toLowerCase();
    if (value === null || value === undefined) continue;
    if (TEXT_COLUMNS.has(name)) row[name] = typeof value === 'string' ? value : JSON.stringify(value);
    else if (name === 'readonly' || name === 'eventtime') row[name] = typeof value === 'string' ? value : JSON.stringify(value);
    else if (typeof value === 'object') row[name] = lowerKeys(value);
    else row[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return row;
}

export interface AthenaDdlOptions {
  tableName: string;
  bucket: string;
  prefix?: string;
  accountId: string;
  regions: readonly string[];
  /** First day of the projection, YYYY/MM/DD. */
  startDate: string;
}

/**
 * The CREATE EXTERNAL TABLE AWS documents for a trail's bucket, with partition projection on
 * region and day (so no MSCK REPAIR or crawler is needed).
 */
export function athenaDdl(o: AthenaDdlOptions): string {
  const prefix = o.prefix ? `${o.prefix.replace(/\/+$/, '')}/` : '';
  const location = `s3://${o.bucket}/${prefix}AWSLogs/${o.accountId}/CloudTrail/`;
  const hiveType = (type: string): string =>
    type
      .replace(/MAP\(VARCHAR, VARCHAR\)/g, 'MAP<STRING,STRING>')
      .replace(/VARCHAR/g, 'STRING')
      .replace(/STRUCT\(/g, 'STRUCT<')
      .replace(/\)\[\]/g, '>>')
      .replace(/\)/g, '>')
      .replace(/STRUCT<([^>]*)>>$/, 'ARRAY<STRUCT<$1>>')
      .replace(/(\w+) (STRING|STRUCT<|MAP<)/g, '$1:$2');
  const columns = ATHENA_COLUMNS.map(([name, type]) => `  ${name} ${name === 'resources' ? 'ARRAY<STRUCT<arn:STRING,accountid:STRING,type:STRING>>' : hiveType(type)}`);
  return [
    `CREATE EXTERNAL TABLE ${o.tableName} (`,
    columns.join(',\n'),
    ')',
    'PARTITIONED BY (',
    '  `region` string,',
    '  `timestamp` string',
    ')',
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    "  'projection.enabled'='true',",
    "  'projection.region.type'='enum',",
    `  'projection.region.values'='${o.regions.join(',')}',`,
    "  'projection.timestamp.type'='date',",
    "  'projection.timestamp.format'='yyyy/MM/dd',",
    "  'projection.timestamp.interval'='1',",
    "  'projection.timestamp.interval.unit'='DAYS',",
    `  'projection.timestamp.range'='${o.startDate},NOW',`,
    `  'storage.location.template'='${location}\${region}/\${timestamp}'`,
    ');',
    '',
  ].join('\n');
}
