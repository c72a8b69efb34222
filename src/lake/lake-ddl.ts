import { LAKE_COLUMNS } from './schema.js';

/**
 * Athena's (Hive DDL) CREATE EXTERNAL TABLE over an event data store's Parquet files in S3, with
 * partition projection on the `day=YYYY-MM-DD` partitions Cairn writes. Pure.
 */

/** A Lake column type (DuckDB) as a Hive type: VARCHAR → string, STRUCT(a T) → struct<a:T>, T[] → array<T>. */
export function hiveType(duckdb: string): string {
  let at = 0;
  const text = duckdb.trim();
  const skipSpaces = (): void => {
    while (text[at] === ' ') at++;
  };
  const word = (): string => {
    skipSpaces();
    const m = /^[A-Za-z_]\w*/.exec(text.slice(at));
    if (!m) throw new Error(`a type name expected at ${at} of ${duckdb}`);
    at += m[0].length;
    return m[0];
  };
  const expect = (c: string): void => {
    skipSpaces();
    if (text[at] !== c) throw new Error(`${c} expected at ${at} of ${duckdb}`);
    at++;
  };
  const type = (): string => {
    const name = word().toUpperCase();
    let out: string;
    if (name === 'STRUCT') {
      expect('(');
      const fields: string[] = [];
      for (;;) {
        const field = word();
        fields.push(`${field}:${type()}`);
        skipSpaces();
        if (text[at] === ',') at++;
        else break;
      }
      expect(')');
      out = `struct<${fields.join(',')}>`;
    } else if (name === 'MAP') {
      expect('(');
      const key = type();
      expect(',');
      const value = type();
      expect(')');
      out = `map<${key},${value}>`;
    } else {
      const scalar: Record<string, string> = { VARCHAR: 'string', TIMESTAMP: 'timestamp', BOOLEAN: 'boolean', BIGINT: 'bigint', INTEGER: 'int', DOUBLE: 'double' };
      const mapped = scalar[name];
      if (!mapped) throw new Error(`no Hive type for ${name}`);
      out = mapped;
    }
    skipSpaces();
    while (text.startsWith('[]', at)) {
      out = `array<${out}>`;
      at += 2;
    }
    return out;
  };
  const out = type();
  skipSpaces();
  if (at !== text.length) throw new Error(`unexpected ${text.slice(at)} in ${duckdb}`);
  return out;
}

export interface LakeDdlOptions {
  tableName: string;
  /** `s3://bucket/prefix/stores/<id>/` (or a history dataset's location). */
  location: string;
  /** First day of the projection, YYYY-MM-DD. */
  startDate: string;
}

/** The location of a store's dataset under the Lake's `s3://bucket/prefix`. */
export function lakeStoreLocation(lakeS3: string, storeId: string): string {
  return `${lakeS3.replace(/\/+$/, '')}/stores/${storeId}/`;
}

export function lakeAthenaDdl(o: LakeDdlOptions): string {
  const location = o.location.endsWith('/') ? o.location : `${o.location}/`;
  const columns = LAKE_COLUMNS.map(([name, type]) => `  \`${name.toLowerCase()}\` ${hiveType(type)}`);
  return [
    `CREATE EXTERNAL TABLE ${o.tableName} (`,
    columns.join(',\n'),
    ')',
    'PARTITIONED BY (`day` string)',
    'STORED AS PARQUET',
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    "  'projection.enabled'='true',",
    "  'projection.day.type'='date',",
    "  'projection.day.format'='yyyy-MM-dd',",
    "  'projection.day.interval'='1',",
    "  'projection.day.interval.unit'='DAYS',",
    `  'projection.day.range'='${o.startDate},NOW',`,
    `  'storage.location.template'='${location}day=\${day}/'`,
    ');',
    '',
  ].join('\n');
}
