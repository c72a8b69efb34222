/**
 * The columns of an event data store, as CloudTrail Lake names them (identifiers are
 * case-insensitive, so `eventtime` and `eventTime` are the same column), and the shaping of a
 * CloudTrail record into one row. Pure.
 */

const MAP = 'MAP(VARCHAR, VARCHAR)';
const IDENTITY_CORE = 'type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, userName VARCHAR';
const USER_IDENTITY = [
  'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR,',
  'sessionContext STRUCT(attributes STRUCT(creationDate VARCHAR, mfaAuthenticated VARCHAR),',
  `sessionIssuer STRUCT(${IDENTITY_CORE}),`,
  `webIdFederationData STRUCT(federatedProvider VARCHAR, attributes ${MAP}),`,
  'sourceIdentity VARCHAR, ec2RoleDelivery VARCHAR),',
  'invokedBy VARCHAR, identityProvider VARCHAR, credentialId VARCHAR,',
  'onBehalfOf STRUCT(userId VARCHAR, identityStoreArn VARCHAR))',
].join(' ');
const EVENT_DATA = [
  'STRUCT(version VARCHAR,',
  `userIdentity STRUCT(type VARCHAR, principalId VARCHAR, details ${MAP}),`,
  'userAgent VARCHAR, eventSource VARCHAR, eventName VARCHAR, eventTime VARCHAR, UID VARCHAR,',
  `requestParameters ${MAP}, responseElements ${MAP}, errorCode VARCHAR, errorMessage VARCHAR,`,
  `sourceIPAddress VARCHAR, recipientAccountId VARCHAR, additionalEventData ${MAP})`,
].join(' ');

/** Column name → DuckDB type, in the order `SELECT *` shows them. */
export const LAKE_COLUMNS: readonly (readonly [string, string])[] = [
  ['eventVersion', 'VARCHAR'],
  ['userIdentity', USER_IDENTITY],
  ['eventTime', 'TIMESTAMP'],
  ['eventSource', 'VARCHAR'],
  ['eventName', 'VARCHAR'],
  ['awsRegion', 'VARCHAR'],
  ['sourceIPAddress', 'VARCHAR'],
  ['userAgent', 'VARCHAR'],
  ['errorCode', 'VARCHAR'],
  ['errorMessage', 'VARCHAR'],
  ['requestParameters', MAP],
  ['responseElements', MAP],
  ['additionalEventData', MAP],
  ['requestID', 'VARCHAR'],
  ['eventID', 'VARCHAR'],
  ['readOnly', 'BOOLEAN'],
  ['resources', 'STRUCT(accountId VARCHAR, type VARCHAR, ARN VARCHAR, arnPrefix VARCHAR)[]'],
  ['eventType', 'VARCHAR'],
  ['apiVersion', 'VARCHAR'],
  ['managementEvent', 'BOOLEAN'],
  ['recipientAccountId', 'VARCHAR'],
  ['sharedEventID', 'VARCHAR'],
  ['annotation', 'VARCHAR'],
  ['vpcEndpointId', 'VARCHAR'],
  ['vpcEndpointAccountId', 'VARCHAR'],
  ['serviceEventDetails', MAP],
  ['addendum', MAP],
  ['sessionCredentialFromConsole', 'VARCHAR'],
  ['edgeDeviceDetails', MAP],
  ['tlsDetails', 'STRUCT(tlsVersion VARCHAR, cipherSuite VARCHAR, clientProvidedHostHeader VARCHAR)'],
  ['insightDetails', MAP],
  ['eventCategory', 'VARCHAR'],
  ['eventData', EVENT_DATA],
  ['metadata', 'STRUCT(ingestionTime VARCHAR, channelARN VARCHAR)'],
];

const MAP_COLUMNS = new Set(LAKE_COLUMNS.filter(([, t]) => t === MAP).map(([n]) => n));
const STRUCT_COLUMNS = new Set(LAKE_COLUMNS.filter(([, t]) => t.startsWith('STRUCT(')).map(([n]) => n));
const BOOLEAN_COLUMNS = new Set(['readOnly', 'managementEvent']);

/** `CREATE TABLE` body: an empty store is a table with these columns. */
export function columnsDdl(): string {
  return LAKE_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
}

/** The `columns={...}` argument of DuckDB's read_json for rows shaped by `toLakeRow`. */
export function readJsonColumns(): string {
  return `{${LAKE_COLUMNS.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lake keeps maps as string → string: nested values become their JSON text. */
export function toStringMap(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC: what DuckDB reads as a TIMESTAMP. */
export function timestampText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/** The UTC day (`YYYY-MM-DD`) a row is partitioned under. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * One row for DuckDB's read_json: known columns only, maps as string maps, booleans coerced, and
 * values of the wrong JSON kind dropped, so one odd record never fails a whole file.
 */
export function toLakeRow(record: Json, eventTimeMs: number): Json {
  const row: Json = {};
  for (const [name] of LAKE_COLUMNS) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    if (MAP_COLUMNS.has(name)) row[name] = toStringMap(value);
    else if (BOOLEAN_COLUMNS.has(name)) row[name] = toBoolean(value);
    else if (STRUCT_COLUMNS.has(name)) row[name] = isObject(value) ? shapeStruct(name, value) : null;
    else if (name === 'resources') row[name] = Array.isArray(value) ? value.filter(isObject) : null;
    else row[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  row.eventTime = timestampText(eventTimeMs);
  return row;
}

function shapeStruct(name: string, value: Json): Json {
  if (name === 'eventData') {
    const out: Json = { ...value };
    for (const key of ['requestParameters', 'responseElements', 'additionalEventData']) if (key in out) out[key] = toStringMap(out[key]);
    if (isObject(out.userIdentity)) out.userIdentity = { ...out.userIdentity, details: toStringMap(out.userIdentity.details) };
    return out;
  }
  if (name === 'userIdentity' && isObject(value.sessionContext) && isObject(value.sessionContext.webIdFederationData)) {
    const web = value.sessionContext.webIdFederationData;
    return { ...value, sessionContext: { ...value.sessionContext, webIdFederationData: { ...web, attributes: toStringMap(web.attributes) } } };
  }
  return value;
}
