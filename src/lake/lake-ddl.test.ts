import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hiveType, lakeAthenaDdl, lakeStoreLocation } from './lake-ddl.js';
import { LAKE_COLUMNS } from './schema.js';

void describe("the Lake's Athena DDL", () => {
  void it('turns DuckDB types into Hive types', () => {
    assert.equal(hiveType('VARCHAR'), 'string');
    assert.equal(hiveType('MAP(VARCHAR, VARCHAR)'), 'map<string,string>');
    assert.equal(hiveType('STRUCT(a VARCHAR, b STRUCT(c BOOLEAN, d TIMESTAMP))'), 'struct<a:string,b:struct<c:boolean,d:timestamp>>');
    assert.equal(hiveType('STRUCT(arn VARCHAR)[]'), 'array<struct<arn:string>>');
    assert.throws(() => hiveType('STRUCT(a VARCHAR'), /expected/);
    assert.throws(() => hiveType('UUID'), /no Hive type/);
  });

  void it('declares every Lake column, the day partition and its projection under the store location', () => {
    const location = lakeStoreLocation('s3://bucket/a/b/', '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9');
    assert.equal(location, 's3://bucket/a/b/stores/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/');
    const ddl = lakeAthenaDdl({ tableName: 't', location, startDate: '2025-01-01' });
    for (const [name] of LAKE_COLUMNS) assert.match(ddl, new RegExp(`^  \`${name.toLowerCase()}\` `, 'm'));
    assert.match(ddl, new RegExp(`LOCATION '${location}'`));
    assert.match(ddl, /'projection.day.range'='2025-01-01,NOW'/);
    assert.ok(ddl.includes(`'storage.location.template'='${location}day=\${day}/'`));
  });
});
