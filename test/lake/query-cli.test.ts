import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { fixtureEvents, importFixtures, isObject, STRATUS, stratusFiles } from '../support/fixture-events.js';
import { countBy } from './support.js';

// `cairn query` on the data directory, on a server, and on raw trail files with Athena's column
// names; `cairn athena-ddl`. Expected values come from the fixture files.

const ACCOUNT = '017622104382';
const events = stratusFiles().flatMap(fixtureEvents);
const mine = events.filter((e) => e.accountId === ACCOUNT);

function cairn(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dataDir: string;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-query-'));
  importFixtures(dataDir, stratusFiles());
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

void describe('cairn query', () => {
  void it('runs on the data directory: event_history as JSON, CSV and a table, with the timing', () => {
    const sql = 'SELECT eventName, count(*) AS n FROM event_history GROUP BY eventName ORDER BY eventName';
    const json = cairn(['query', sql, '--data-dir', dataDir, '--account-id', ACCOUNT, '--output', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { eventName: string; n: string }[];
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.eventName, Number(r.n)])), countBy(mine, (e) => e.eventName));
    assert.match(json.stderr, /\(\d+ rows in [\d.]+ m?s\)/);
    const csv = cairn(['query', sql, '--data-dir', dataDir, '--account-id', ACCOUNT, '--output', 'csv']);
    assert.equal(csv.stdout.split('\n')[0], 'eventName,n');
    assert.equal(csv.stdout.trim().split('\n').length, rows.length + 1);
    const table = cairn(['query', sql, '--data-dir', dataDir, '--account-id', ACCOUNT]);
    assert.match(table.stdout.split('\n')[1] ?? '', /^-+ +-+$/);
  });

  void it('refuses what is not one SELECT, with the reason', () => {
    const r = cairn(['query', "SELECT * FROM read_csv('/etc/passwd')", '--data-dir', dataDir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /read_csv|event data store/);
  });

  void it('runs on a server through StartQuery (--endpoint-url)', async () => {
    const server = await CairnProcess.start(['--auth', 'off', '--lake-interval', '1'], dataDir);
    try {
      const env = { AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1' };
      const cutoff = new Date(Math.max(...mine.map((e) => e.eventTime)) + 1000).toISOString().replace('T', ' ').slice(0, 19);
      const sql = `SELECT count(DISTINCT userIdentity.arn) AS users FROM event_history WHERE eventTime < '${cutoff}'`;
      const arns = new Set(mine.flatMap((e) => (isObject(e.record.userIdentity) && typeof e.record.userIdentity.arn === 'string' ? [e.record.userIdentity.arn] : [])));
      const r = cairn(['query', sql, '--endpoint-url', server.url, '--output', 'json'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [{ users: String(arns.size) }]);
    } finally {
      await server.stop();
    }
  });

  void it("runs Athena's CloudTrail queries over raw trail files (--archive)", () => {
    const sql = "SELECT eventsource, count(*) AS n FROM cloudtrail_logs WHERE readonly = 'false' AND useridentity.type = 'IAMUser' GROUP BY eventsource";
    const r = cairn(['query', sql, '--archive', STRATUS, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const expected = countBy(
      events.filter((e) => e.readOnly === false && isObject(e.record.userIdentity) && e.record.userIdentity.type === 'IAMUser'),
      (e) => e.eventSource,
    );
    const rows = JSON.parse(r.stdout) as { eventsource: string; n: string }[];
    assert.deepEqual(Object.fromEntries(rows.map((x) => [x.eventsource, Number(x.n)]).sort()), expected);
    const byParam = cairn(['query', "SELECT count(*) AS n FROM cloudtrail_logs WHERE json_extract_scalar(requestparameters, '$.roleArn') IS NOT NULL", '--archive', STRATUS, '--output', 'json']);
    const withRole = events.filter((e) => isObject(e.record.requestParameters) && typeof e.record.requestParameters.roleArn === 'string').length;
    assert.deepEqual(JSON.parse(byParam.stdout), [{ n: String(withRole) }]);
  });

  void it('cairn athena-ddl prints the table with partition projection for the bucket', () => {
    const r = cairn(['athena-ddl', '--bucket', 'my-trail-bucket', '--prefix', 'logs', '--account-id', '123456789012', '--regions', 'us-east-1,eu-west-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^CREATE EXTERNAL TABLE cloudtrail_logs \(/);
    assert.match(r.stdout, /LOCATION 's3:\/\/my-trail-bucket\/logs\/AWSLogs\/123456789012\/CloudTrail\/'/);
    assert.match(r.stdout, /'projection.region.values'='us-east-1,eu-west-1'/);
    assert.match(r.stdout, /resources ARRAY<STRUCT<arn:STRING,accountid:STRING,type:STRING>>/);
    assert.match(r.stdout, /'storage.location.template'='s3:\/\/my-trail-bucket\/logs\/AWSLogs\/123456789012\/CloudTrail\/\$\{region\}\/\$\{timestamp\}'/);
    assert.notEqual(cairn(['athena-ddl', '--bucket', 'B!']).code, 0);
  });
});
