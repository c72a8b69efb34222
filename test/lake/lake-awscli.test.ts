import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import { CairnProcess } from '../support/cairn-process.js';
import { fixtureEvents, importFixtures, stratusFiles } from '../support/fixture-events.js';
import { requireProgram } from '../support/programs.js';
import { countBy } from './support.js';

// CloudTrail Lake through the real AWS CLI (v1, botocore) against `cairn serve --auth off`:
// every operation and its errors, as a user would type them.

const ACCOUNT = '017622104382';
const skip = requireProgram('aws');

let cairn: CairnProcess;
let driver: AwsCliDriver;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function env(account = ACCOUNT): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

function aws(args: string[], account?: string): Promise<Run> {
  return driver.run(['cloudtrail', ...args, '--endpoint-url', cairn.url, '--output', 'json'], env(account));
}

async function ok<T>(args: string[], account?: string): Promise<T> {
  const result = await aws(args, account);
  assert.equal(result.code, 0, `aws cloudtrail ${args.join(' ')}: ${result.stderr}`);
  return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T;
}

async function fails(args: string[], code: string, account?: string): Promise<void> {
  const result = await aws(args, account);
  assert.equal(result.code, 255, `aws cloudtrail ${args.join(' ')} should fail: ${result.stdout}`);
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation: \\S`), result.stderr);
}

async function query(sql: string): Promise<Record<string, string>[]> {
  const { QueryId } = await ok<{ QueryId: string }>(['start-query', '--query-statement', sql]);
  for (;;) {
    const d = await ok<{ QueryStatus: string; ErrorMessage?: string }>(['describe-query', '--query-id', QueryId]);
    if (d.QueryStatus === 'FINISHED') break;
    assert.ok(d.QueryStatus === 'QUEUED' || d.QueryStatus === 'RUNNING', `${sql}: ${d.QueryStatus} ${d.ErrorMessage ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const rows: Record<string, string>[] = [];
  let token: string | undefined;
  do {
    const page = await ok<{ QueryResultRows: Record<string, string>[][]; NextToken?: string }>([
      'get-query-results', '--query-id', QueryId, '--max-query-results', '3', ...(token ? ['--next-token', token] : []),
    ]);
    assert.ok(page.QueryResultRows.length <= 3);
    rows.push(...page.QueryResultRows.map((row) => Object.assign({}, ...row) as Record<string, string>));
    token = page.NextToken;
  } while (token);
  return rows;
}

void describe('CloudTrail Lake through the AWS CLI', { skip }, () => {
  let storeArn = '';
  let storeId = '';
  const events = stratusFiles().flatMap(fixtureEvents).filter((e) => e.accountId === ACCOUNT && e.category === 'Management');
  const cutoff = new Date(Math.max(...events.map((e) => e.eventTime)) + 1000).toISOString().replace('T', ' ').slice(0, 19);

  before(async () => {
    cairn = await CairnProcess.start(['--auth', 'off', '--lake-interval', '1']);
    driver = AwsCliDriver.start();
  });
  after(async () => {
    await driver?.stop();
    await cairn?.dispose();
  });

  void it('create-event-data-store, get, list, update', async () => {
    const created = await ok<{ EventDataStoreArn: string; Status: string; RetentionPeriod: number }>([
      'create-event-data-store', '--name', 'cli-store', '--retention-period', '3653', '--no-termination-protection-enabled',
      '--advanced-event-selectors', '[{"Name":"mgmt","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]',
    ]);
    assert.equal(created.Status, 'ENABLED');
    assert.equal(created.RetentionPeriod, 3653);
    storeArn = created.EventDataStoreArn;
    storeId = storeArn.split('/').pop()!;
    const got = await ok<{ Name: string; AdvancedEventSelectors: { Name: string }[] }>(['get-event-data-store', '--event-data-store', storeId]);
    assert.equal(got.Name, 'cli-store');
    assert.equal(got.AdvancedEventSelectors[0]?.Name, 'mgmt');
    const listed = await ok<{ EventDataStores: { EventDataStoreArn: string }[] }>(['list-event-data-stores']);
    assert.deepEqual(listed.EventDataStores.map((s) => s.EventDataStoreArn), [storeArn]);
    const updated = await ok<{ Name: string }>(['update-event-data-store', '--event-data-store', storeArn, '--name', 'cli-store-2']);
    assert.equal(updated.Name, 'cli-store-2');
    await fails(['create-event-data-store', '--name', 'cli-store-2'], 'EventDataStoreAlreadyExistsException');
    await fails(['create-event-data-store', '--name', 'x!x'], 'InvalidParameterException');
    await fails(['get-event-data-store', '--event-data-store', 'arn:aws:cloudtrail:us-east-1:1:nope'], 'EventDataStoreARNInvalidException');
    await fails(['get-event-data-store', '--event-data-store', storeId], 'EventDataStoreNotFoundException', '999999999999');
    await fails(['list-event-data-stores', '--max-results', '1001'], 'InvalidMaxResultsException');
  });

  void it('stop/start-event-data-store-ingestion, delete and restore', async () => {
    await fails(['start-event-data-store-ingestion', '--event-data-store', storeId], 'InvalidEventDataStoreStatusException');
    await ok(['stop-event-data-store-ingestion', '--event-data-store', storeId]);
    await ok(['start-event-data-store-ingestion', '--event-data-store', storeId]);
    const other = await ok<{ EventDataStoreArn: string }>(['create-event-data-store', '--name', 'doomed']);
    await fails(['delete-event-data-store', '--event-data-store', other.EventDataStoreArn], 'EventDataStoreTerminationProtectedException');
    await ok(['update-event-data-store', '--event-data-store', other.EventDataStoreArn, '--no-termination-protection-enabled']);
    await ok(['delete-event-data-store', '--event-data-store', other.EventDataStoreArn]);
    const pending = await ok<{ Status: string }>(['get-event-data-store', '--event-data-store', other.EventDataStoreArn]);
    assert.equal(pending.Status, 'PENDING_DELETION');
    await fails(['delete-event-data-store', '--event-data-store', other.EventDataStoreArn], 'InactiveEventDataStoreException');
    const restored = await ok<{ Status: string }>(['restore-event-data-store', '--event-data-store', other.EventDataStoreArn]);
    assert.equal(restored.Status, 'ENABLED');
    await fails(['restore-event-data-store', '--event-data-store', other.EventDataStoreArn], 'InvalidEventDataStoreStatusException');
  });

  void it('start-query, describe-query, get-query-results (paged by the CLI), list-queries, cancel-query', async () => {
    importFixtures(cairn.dataDir, stratusFiles());
    const expected = countBy(events, (e) => e.eventName);
    const deadline = Date.now() + 30_000;
    let rows: Record<string, string>[] = [];
    for (;;) {
      rows = await query(`SELECT eventName, count(*) AS n FROM ${storeId} WHERE eventTime < '${cutoff}' GROUP BY eventName ORDER BY eventName`);
      if (rows.reduce((s, r) => s + Number(r.n), 0) === events.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.eventName ?? '', Number(r.n)])), expected);
    const listed = await ok<{ Queries: { QueryId: string; QueryStatus: string }[] }>(['list-queries', '--event-data-store', storeId]);
    assert.ok(listed.Queries.length >= 1);
    assert.ok(listed.Queries.every((q) => q.QueryStatus === 'FINISHED'));
    const finished = listed.Queries[0]!.QueryId;
    await fails(['cancel-query', '--query-id', finished], 'InactiveQueryException');
    await fails(['cancel-query', '--query-id', '00000000-0000-4000-8000-000000000000'], 'QueryIdNotFoundException');
    await fails(['describe-query', '--query-id', '00000000-0000-4000-8000-000000000000'], 'QueryIdNotFoundException');
    await fails(['list-queries', '--event-data-store', storeId, '--query-status', 'SOMETIMES'], 'InvalidQueryStatusException');
    await fails(['list-queries', '--event-data-store', storeId, '--start-time', '2024-01-02', '--end-time', '2024-01-01'], 'InvalidDateRangeException');
    const slow = await ok<{ QueryId: string }>(['start-query', '--query-statement', `SELECT count(*) FROM ${storeId} a CROSS JOIN ${storeId} b CROSS JOIN ${storeId} c CROSS JOIN ${storeId} d CROSS JOIN ${storeId} e`]);
    const cancelled = await ok<{ QueryStatus: string }>(['cancel-query', '--query-id', slow.QueryId]);
    assert.equal(cancelled.QueryStatus, 'CANCELLED');
  });

  void it('refuses what is not one SELECT over your stores', async () => {
    for (const sql of ["SELECT * FROM read_csv('/etc/passwd')", `COPY (SELECT 1 FROM ${storeId}) TO '/tmp/x.csv'`, 'INSTALL httpfs', `SELECT 1 FROM ${storeId}; SELECT 2 FROM ${storeId}`]) {
      await fails(['start-query', '--query-statement', sql], 'InvalidQueryStatementException');
    }
    await fails(['start-query', '--query-statement', `SELECT eventID FROM ${storeId}`], 'InvalidQueryStatementException', '999999999999');
  });

  void it('search-sample-queries', async () => {
    const found = await ok<{ SearchResults: { Name: string; SQL: string; Relevance: number }[] }>(['search-sample-queries', '--search-phrase', 'errors by error code']);
    assert.ok(found.SearchResults.length > 0);
    assert.equal(found.SearchResults[0]?.Name, 'Errors by error code');
    const rows = await query(found.SearchResults[0].SQL.replaceAll('$EDS_ID', storeId));
    const expected = countBy(events, (e) => (typeof e.record.errorCode === 'string' ? e.record.errorCode : undefined));
    for (const [code, n] of Object.entries(expected)) assert.equal(Number(rows.find((r) => r.errorCode === code)?.errorCount), n, code);
  });
});
