import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CancelQueryCommand,
  CloudTrailClient,
  CreateEventDataStoreCommand,
  DeleteEventDataStoreCommand,
  DescribeQueryCommand,
  GetEventDataStoreCommand,
  GetQueryResultsCommand,
  ListEventDataStoresCommand,
  ListQueriesCommand,
  RestoreEventDataStoreCommand,
  SearchSampleQueriesCommand,
  StartEventDataStoreIngestionCommand,
  StartQueryCommand,
  StopEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import { CairnProcess } from '../support/cairn-process.js';
import type { FixtureEvent } from '../support/fixture-events.js';
import { fixtureEvents, importFixtures, isObject, stratusFiles } from '../support/fixture-events.js';
import { allRows, countBy, rejectsWith, runQuery, waitForQuery } from './support.js';

// CloudTrail Lake through the JS SDK v3 against `cairn serve --auth off` (a 12-digit key id acts as
// that account). Event data stores are created, the stratus-red-team fixtures imported into the
// journal, and every answer compared with values computed here from the fixture files.

const ACCOUNT = '056392974792';
const OTHER = '017622104382';
const REGION = 'us-east-1';

let cairn: CairnProcess;
let fixtures: FixtureEvent[];
/** Our fixtures' management events in ACCOUNT (any region): what a default store ingests. */
let mine: FixtureEvent[];
/** Cairn records the test's own API calls in the journal too: queries only look before this time. */
let cutoff: string;
let storeId = '';

function client(account = ACCOUNT, region = REGION): CloudTrailClient {
  return new CloudTrailClient({ endpoint: cairn.url, region, credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 });
}

function sqlTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

async function waitForCount(table: string, expected: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await runQuery(client(), `SELECT COUNT(*) AS n FROM ${table} WHERE eventTime < '${cutoff}'`);
    if (Number(rows[0]?.n) === expected) return;
    assert.ok(Date.now() < deadline, `${table} holds ${rows[0]?.n} events, expected ${expected}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

before(async () => {
  cairn = await CairnProcess.start(['--auth', 'off', '--lake-interval', '1']);
  fixtures = stratusFiles().flatMap(fixtureEvents);
  mine = fixtures.filter((e) => e.accountId === ACCOUNT && e.category === 'Management');
  cutoff = sqlTime(Math.max(...fixtures.map((e) => e.eventTime)) + 1000);
  const created = await client().send(new CreateEventDataStoreCommand({ Name: 'all-management', TerminationProtectionEnabled: false, RetentionPeriod: 3653 }));
  storeId = created.EventDataStoreArn!.split('/').pop()!;
  importFixtures(cairn.dataDir, stratusFiles());
  await waitForCount(storeId, mine.length);
});

after(async () => {
  await cairn?.dispose();
});

void describe('event data stores', () => {
  void it('creates a store with AWS defaults and finds it by id and ARN', async () => {
    const c = client();
    const created = await c.send(new CreateEventDataStoreCommand({ Name: 'defaults' }));
    assert.match(created.EventDataStoreArn ?? '', new RegExp(`^arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/[0-9a-f-]{36}$`));
    assert.equal(created.Status, 'ENABLED');
    assert.equal(created.MultiRegionEnabled, true);
    assert.equal(created.OrganizationEnabled, false);
    assert.equal(created.TerminationProtectionEnabled, true);
    assert.equal(created.RetentionPeriod, 366);
    assert.equal(created.BillingMode, 'EXTENDABLE_RETENTION_PRICING');
    assert.deepEqual(created.AdvancedEventSelectors, [{ Name: 'Default management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]);
    assert.ok(created.CreatedTimestamp instanceof Date);
    const id = created.EventDataStoreArn!.split('/').pop()!;
    const byId = await c.send(new GetEventDataStoreCommand({ EventDataStore: id }));
    const byArn = await c.send(new GetEventDataStoreCommand({ EventDataStore: created.EventDataStoreArn }));
    assert.equal(byId.Name, 'defaults');
    assert.equal(byArn.EventDataStoreArn, created.EventDataStoreArn);
    const list = await c.send(new ListEventDataStoresCommand({}));
    assert.ok(list.EventDataStores?.some((s) => s.EventDataStoreArn === created.EventDataStoreArn));
    // Another account and another region see nothing of it.
    await rejectsWith(client(OTHER).send(new GetEventDataStoreCommand({ EventDataStore: id })), 'EventDataStoreNotFoundException');
    await rejectsWith(client(ACCOUNT, 'eu-west-1').send(new GetEventDataStoreCommand({ EventDataStore: id })), 'EventDataStoreNotFoundException');
    // Termination protection: off first, then delete.
    await rejectsWith(c.send(new DeleteEventDataStoreCommand({ EventDataStore: id })), 'EventDataStoreTerminationProtectedException');
    await c.send(new UpdateEventDataStoreCommand({ EventDataStore: id, TerminationProtectionEnabled: false }));
    await c.send(new DeleteEventDataStoreCommand({ EventDataStore: id }));
  });

  void it('rejects invalid input with AWS errors', async () => {
    const c = client(OTHER);
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'ab' })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'bad name!' })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'short-retention', RetentionPeriod: 6 })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'long-retention', RetentionPeriod: 3654 })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'fixed', BillingMode: 'FIXED_RETENTION_PRICING', RetentionPeriod: 3000 })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'billing', BillingMode: 'CHEAP' as 'FIXED_RETENTION_PRICING' })), 'InvalidParameterException');
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'org', OrganizationEnabled: true })), 'OrganizationsNotInUseException');
    await rejectsWith(
      c.send(new CreateEventDataStoreCommand({ Name: 'selectors', AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Sometimes'] }] }] })),
      'InvalidEventSelectorsException',
    );
    await rejectsWith(
      c.send(new CreateEventDataStoreCommand({ Name: 'six', AdvancedEventSelectors: Array.from({ length: 6 }, () => ({ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] })) })),
      'InvalidEventSelectorsException',
    );
    await rejectsWith(c.send(new GetEventDataStoreCommand({ EventDataStore: 'arn:aws:cloudtrail:us-east-1:123:trail/x' })), 'EventDataStoreARNInvalidException');
    await rejectsWith(c.send(new GetEventDataStoreCommand({ EventDataStore: '00000000-0000-4000-8000-000000000000' })), 'EventDataStoreNotFoundException');
    await rejectsWith(c.send(new ListEventDataStoresCommand({ MaxResults: 0 })), 'InvalidMaxResultsException');
    await rejectsWith(c.send(new ListEventDataStoresCommand({ NextToken: 'not-a-token' })), 'InvalidNextTokenException');
  });

  void it('keeps names unique, at most 10 stores per region, and pages the list', async () => {
    const c = client('111122223333');
    await c.send(new CreateEventDataStoreCommand({ Name: 'store-0', TerminationProtectionEnabled: false }));
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'store-0' })), 'EventDataStoreAlreadyExistsException');
    for (let i = 1; i < 10; i++) await c.send(new CreateEventDataStoreCommand({ Name: `store-${i}`, StartIngestion: false }));
    await rejectsWith(c.send(new CreateEventDataStoreCommand({ Name: 'store-10' })), 'EventDataStoreMaxLimitExceededException');
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await c.send(new ListEventDataStoresCommand({ MaxResults: 3, NextToken: token }));
      assert.ok((page.EventDataStores ?? []).length <= 3);
      names.push(...(page.EventDataStores ?? []).map((s) => s.Name!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(names.sort(), Array.from({ length: 10 }, (_, i) => `store-${i}`).sort());
    // Another region has its own ten.
    await client('111122223333', 'eu-west-1').send(new CreateEventDataStoreCommand({ Name: 'store-0' }));
  });

  void it('moves through deletion, restore, and ingestion start/stop as AWS does', async () => {
    const c = client('444455556666');
    const { EventDataStoreArn: arn } = await c.send(new CreateEventDataStoreCommand({ Name: 'lifecycle', TerminationProtectionEnabled: false }));
    await rejectsWith(c.send(new StartEventDataStoreIngestionCommand({ EventDataStore: arn })), 'InvalidEventDataStoreStatusException');
    await c.send(new StopEventDataStoreIngestionCommand({ EventDataStore: arn }));
    assert.equal((await c.send(new GetEventDataStoreCommand({ EventDataStore: arn }))).Status, 'STOPPED_INGESTION');
    await rejectsWith(c.send(new StopEventDataStoreIngestionCommand({ EventDataStore: arn })), 'InvalidEventDataStoreStatusException');
    await c.send(new StartEventDataStoreIngestionCommand({ EventDataStore: arn }));
    assert.equal((await c.send(new GetEventDataStoreCommand({ EventDataStore: arn }))).Status, 'ENABLED');
    const updated = await c.send(new UpdateEventDataStoreCommand({ EventDataStore: arn, Name: 'renamed', RetentionPeriod: 90 }));
    assert.equal(updated.Name, 'renamed');
    assert.equal(updated.RetentionPeriod, 90);
    await rejectsWith(c.send(new RestoreEventDataStoreCommand({ EventDataStore: arn })), 'InvalidEventDataStoreStatusException');
    await c.send(new DeleteEventDataStoreCommand({ EventDataStore: arn }));
    assert.equal((await c.send(new GetEventDataStoreCommand({ EventDataStore: arn }))).Status, 'PENDING_DELETION');
    await rejectsWith(c.send(new DeleteEventDataStoreCommand({ EventDataStore: arn })), 'InactiveEventDataStoreException');
    await rejectsWith(c.send(new UpdateEventDataStoreCommand({ EventDataStore: arn, Name: 'again' })), 'InactiveEventDataStoreException');
    const id = arn!.split('/').pop()!;
    await rejectsWith(c.send(new StartQueryCommand({ QueryStatement: `SELECT eventID FROM ${id}` })), 'InactiveEventDataStoreException');
    const restored = await c.send(new RestoreEventDataStoreCommand({ EventDataStore: arn }));
    assert.equal(restored.Status, 'ENABLED');
  });
});

void describe('queries on the stratus-red-team events', () => {
  void it('counts events by eventSource as the fixture files say', async () => {
    const rows = await runQuery(client(), `SELECT eventSource, COUNT(*) AS n FROM ${storeId} WHERE eventTime < '${cutoff}' GROUP BY eventSource ORDER BY eventSource`);
    const got = Object.fromEntries(rows.map((r) => [r.eventSource ?? '', Number(r.n)]));
    assert.deepEqual(got, countBy(mine, (e) => e.eventSource));
  });

  void it('counts errors by errorCode', async () => {
    const rows = await runQuery(client(), `SELECT errorCode, count(*) AS n FROM ${storeId} WHERE errorCode IS NOT NULL AND eventTime < '${cutoff}' GROUP BY errorCode`);
    const got = Object.fromEntries(rows.map((r) => [r.errorCode ?? '', Number(r.n)]));
    assert.deepEqual(got, countBy(mine, (e) => (typeof e.record.errorCode === 'string' ? e.record.errorCode : undefined)));
  });

  void it('counts distinct users through userIdentity.arn, and reads nested fields', async () => {
    const arns = new Set(mine.flatMap((e) => (isObject(e.record.userIdentity) && typeof e.record.userIdentity.arn === 'string' ? [e.record.userIdentity.arn] : [])));
    const rows = await runQuery(client(), `SELECT COUNT(DISTINCT userIdentity.arn) AS users FROM ${storeId} WHERE eventTime < '${cutoff}'`);
    assert.equal(rows[0]?.users, String(arns.size));
    const types = await runQuery(client(), `select useridentity.type as t, count(*) as n from ${storeId} where eventtime < '${cutoff}' group by useridentity.type`);
    assert.deepEqual(
      Object.fromEntries(types.map((r) => [r.t, Number(r.n)])),
      countBy(mine, (e) => (isObject(e.record.userIdentity) && typeof e.record.userIdentity.type === 'string' ? e.record.userIdentity.type : undefined)),
    );
  });

  void it('compares eventTime with timestamp strings (a time window)', async () => {
    const times = mine.map((e) => e.eventTime).sort((a, b) => a - b);
    const from = times[Math.floor(times.length / 4)]!;
    const to = times[Math.floor((times.length * 3) / 4)]!;
    const expected = mine.filter((e) => e.eventTime >= from && e.eventTime < to).length;
    assert.ok(expected > 0 && expected < mine.length);
    const rows = await runQuery(client(), `SELECT count(*) AS n FROM ${storeId} WHERE eventTime >= '${sqlTime(from)}' AND eventTime < '${sqlTime(to)}'`);
    assert.equal(rows[0]?.n, String(expected));
  });

  void it("reads map members with element_at (requestParameters)", async () => {
    // The request parameter with a string value most events have.
    const keys = countBy(mine.flatMap((e) => (isObject(e.record.requestParameters) ? Object.entries(e.record.requestParameters) : [])), ([k, v]) => (typeof v === 'string' ? k : undefined));
    const key = Object.entries(keys).sort((a, b) => b[1] - a[1])[0]![0];
    const expected = countBy(mine, (e) => (isObject(e.record.requestParameters) && typeof e.record.requestParameters[key] === 'string' ? e.record.requestParameters[key] : undefined));
    assert.ok(Object.keys(expected).length > 0);
    const rows = await runQuery(
      client(),
      `SELECT element_at(requestParameters, '${key}') AS role, count(*) AS n FROM ${storeId} WHERE element_at(requestParameters, '${key}') IS NOT NULL AND eventTime < '${cutoff}' GROUP BY 1`,
    );
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.role, Number(r.n)])), expected);
  });

  void it('answers rows in AWS shape (single-entry maps of strings, in SELECT order), paged', async () => {
    const c = client();
    const expected = [...mine].sort((a, b) => a.eventId.localeCompare(b.eventId)).map((e) => e.eventId);
    const { QueryId } = await c.send(new StartQueryCommand({ QueryStatement: `SELECT eventID, readOnly, eventName FROM ${storeId} WHERE eventTime < '${cutoff}' ORDER BY eventID` }));
    assert.equal(await waitForQuery(c, QueryId!), 'FINISHED');
    const first = await c.send(new GetQueryResultsCommand({ QueryId, MaxQueryResults: 7 }));
    assert.equal(first.QueryStatus, 'FINISHED');
    assert.equal(first.QueryResultRows?.length, 7);
    assert.equal(first.QueryStatistics?.ResultsCount, 7);
    assert.equal(first.QueryStatistics?.TotalResultsCount, mine.length);
    for (const row of first.QueryResultRows ?? []) {
      assert.deepEqual(row.map((cell) => Object.keys(cell)[0]), ['eventID', 'readOnly', 'eventName']);
      for (const cell of row) assert.equal(typeof Object.values(cell)[0], 'string');
    }
    const rows = await allRows(c, QueryId!, 7);
    assert.deepEqual(rows.map((r) => r.eventID), expected);
    const byId = new Map(mine.map((e) => [e.eventId, e]));
    for (const r of rows) assert.equal(r.readOnly, String(byId.get(r.eventID!)!.readOnly));
    const described = await c.send(new DescribeQueryCommand({ QueryId }));
    assert.equal(described.QueryStatistics?.EventsMatched, mine.length);
    assert.ok((described.QueryStatistics?.EventsScanned ?? 0) >= mine.length);
    assert.ok((described.QueryStatistics?.BytesScanned ?? 0) > 0);
    assert.ok(described.QueryStatistics?.CreationTime instanceof Date);
    assert.match(described.QueryString ?? '', /^SELECT eventID/);
    await rejectsWith(c.send(new GetQueryResultsCommand({ QueryId, NextToken: 'bm90LWEtdG9rZW4' })), 'InvalidNextTokenException');
    await rejectsWith(c.send(new GetQueryResultsCommand({ QueryId, MaxQueryResults: 1001 })), 'InvalidMaxResultsException');
    await rejectsWith(c.send(new GetQueryResultsCommand({ QueryId: '00000000-0000-4000-8000-000000000000' })), 'QueryIdNotFoundException');
    await rejectsWith(client(OTHER).send(new DescribeQueryCommand({ QueryId })), 'QueryIdNotFoundException');
    await rejectsWith(c.send(new CancelQueryCommand({ QueryId })), 'InactiveQueryException');
    await rejectsWith(c.send(new CancelQueryCommand({ QueryId: '00000000-0000-4000-8000-000000000000' })), 'QueryIdNotFoundException');
  });

  void it('lists the queries of a store, filtered and paged', async () => {
    const c = client();
    const listed = await c.send(new ListQueriesCommand({ EventDataStore: storeId, QueryStatus: 'FINISHED' }));
    assert.ok((listed.Queries ?? []).length >= 5);
    for (const q of listed.Queries ?? []) assert.equal(q.QueryStatus, 'FINISHED');
    const page = await c.send(new ListQueriesCommand({ EventDataStore: storeId, MaxResults: 2 }));
    assert.equal(page.Queries?.length, 2);
    assert.ok(page.NextToken);
    const next = await c.send(new ListQueriesCommand({ EventDataStore: storeId, MaxResults: 2, NextToken: page.NextToken }));
    assert.notEqual(next.Queries?.[0]?.QueryId, page.Queries?.[0]?.QueryId);
    await rejectsWith(c.send(new ListQueriesCommand({ EventDataStore: storeId, QueryStatus: 'DONE' as 'FINISHED' })), 'InvalidQueryStatusException');
    await rejectsWith(c.send(new ListQueriesCommand({ EventDataStore: storeId, StartTime: new Date(2000), EndTime: new Date(1000) })), 'InvalidDateRangeException');
    await rejectsWith(c.send(new ListQueriesCommand({ EventDataStore: storeId, MaxResults: 0 })), 'InvalidMaxResultsException');
    await rejectsWith(c.send(new ListQueriesCommand({ EventDataStore: '00000000-0000-4000-8000-000000000000' })), 'EventDataStoreNotFoundException');
  });

  void it('queries the whole event history as event_history, without a store', async () => {
    const all = fixtures.filter((e) => e.accountId === OTHER);
    const rows = await runQuery(client(OTHER), `SELECT eventSource, count(*) AS n FROM event_history WHERE eventTime < '${cutoff}' GROUP BY eventSource`);
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.eventSource, Number(r.n)]).sort(([a], [b]) => String(a).localeCompare(String(b)))), countBy(all, (e) => e.eventSource));
  });

  void it('runs every sample query of SearchSampleQueries unmodified (the store id in place of $EDS_ID)', async () => {
    const c = client();
    const found = await c.send(new SearchSampleQueriesCommand({ SearchPhrase: 'console sign-in', MaxResults: 50 }));
    assert.ok((found.SearchResults ?? []).length > 0);
    assert.match(found.SearchResults?.[0]?.Name ?? '', /sign-in/i);
    const samples: { Name?: string; SQL?: string }[] = [];
    let token: string | undefined;
    do {
      const page = await c.send(new SearchSampleQueriesCommand({ SearchPhrase: 'from', MaxResults: 5, NextToken: token }));
      samples.push(...(page.SearchResults ?? []));
      token = page.NextToken;
    } while (token);
    assert.ok(samples.length >= 15, `only ${samples.length} samples`);
    for (const sample of samples) {
      const rows = await runQuery(c, sample.SQL!.replaceAll('$EDS_ID', storeId));
      assert.ok(Array.isArray(rows), sample.Name);
    }
    const perSource = await runQuery(c, samples.find((s) => s.Name === 'API calls by event source')!.SQL!.replaceAll('$EDS_ID', storeId));
    for (const [source, n] of Object.entries(countBy(mine, (e) => e.eventSource))) {
      assert.ok(Number(perSource.find((r) => r.eventSource === source)?.apiCount) >= n, source);
    }
    await rejectsWith(c.send(new SearchSampleQueriesCommand({ SearchPhrase: 'x' })), 'InvalidParameterException');
  });

  void it('takes new events within seconds of their recording', async () => {
    const c = client();
    const { EventDataStoreArn } = await c.send(new GetEventDataStoreCommand({ EventDataStore: storeId }));
    assert.ok(EventDataStoreArn);
    // That GetEventDataStore call is itself a management event of this account.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = await runQuery(c, `SELECT count(*) AS n FROM ${storeId} WHERE eventName = 'GetEventDataStore' AND eventSource = 'cloudtrail.amazonaws.com'`);
      if (Number(rows[0]?.n) >= 1) break;
      assert.ok(Date.now() < deadline, 'the recorded call never reached the store');
      await new Promise((r) => setTimeout(r, 250));
    }
  });
});

void describe('the sandbox', () => {
  const attempts: [string, (id: string) => string][] = [
    ['read_csv', () => "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_csv in a SELECT list', (id) => `SELECT (SELECT count(*) FROM read_csv_auto('/etc/passwd')) FROM ${id}`],
    ['read_json', () => "SELECT * FROM read_json('/etc/hostname')"],
    ['read_parquet of a path', () => "SELECT * FROM read_parquet('/tmp/x.parquet')"],
    ['a file path as a table', () => "SELECT * FROM '/etc/passwd'"],
    ['COPY', (id) => `COPY (SELECT * FROM ${id}) TO '/tmp/cairn-leak.csv'`],
    ['ATTACH', () => "ATTACH '/tmp/cairn-leak.db' AS leak"],
    ['INSTALL', () => 'INSTALL httpfs'],
    ['LOAD', () => 'LOAD httpfs'],
    ['SET', () => 'SET enable_external_access = true'],
    ['PRAGMA', () => 'PRAGMA database_list'],
    ['CREATE', (id) => `CREATE TABLE leak AS SELECT * FROM ${id}`],
    ['two statements', (id) => `SELECT 1 FROM ${id}; SELECT 2 FROM ${id}`],
    ['a statement after a comment', (id) => `SELECT 1 FROM ${id} /* x */; DROP TABLE x`],
    ['getenv', (id) => `SELECT getenv('HOME') FROM ${id}`],
    ['a settings function', (id) => `SELECT current_setting('enable_external_access') FROM ${id}`],
    ['an unknown table', () => 'SELECT * FROM duckdb_settings()'],
    ['a system table', () => 'SELECT * FROM information_schema.tables'],
    ['a store of another account', () => `SELECT * FROM ${storeId}`],
    ['WITH', (id) => `WITH x AS (SELECT * FROM ${id}) SELECT * FROM x`],
    ['no table', () => 'SELECT 1'],
  ];
  for (const [name, sql] of attempts) {
    void it(`refuses ${name} with InvalidQueryStatementException`, async () => {
      // Account OTHER owns its own store (so "another account's store" is storeId, ACCOUNT's).
      const c = client(OTHER);
      const own = (await c.send(new ListEventDataStoresCommand({}))).EventDataStores?.[0]?.EventDataStoreArn?.split('/').pop() ?? (await c.send(new CreateEventDataStoreCommand({ Name: 'sandbox', TerminationProtectionEnabled: false }))).EventDataStoreArn!.split('/').pop()!;
      const before = (await c.send(new ListQueriesCommand({ EventDataStore: own }))).Queries?.length ?? 0;
      await rejectsWith(c.send(new StartQueryCommand({ QueryStatement: sql(own) })), 'InvalidQueryStatementException');
      assert.equal((await c.send(new ListQueriesCommand({ EventDataStore: own }))).Queries?.length ?? 0, before, 'a refused statement leaves no query behind');
    });
  }

  void it('leaves no file behind and the data intact', async () => {

    assert.equal(existsSync('/tmp/cairn-leak.csv'), false);
    assert.equal(existsSync('/tmp/cairn-leak.db'), false);
    await waitForCount(storeId, mine.length);
  });

  void it('rejects empty and too long statements', async () => {
    await rejectsWith(client().send(new StartQueryCommand({ QueryStatement: ' ' })), 'InvalidQueryStatementException');
    await rejectsWith(client().send(new StartQueryCommand({ QueryStatement: `SELECT eventID FROM ${storeId} WHERE ${"eventName = 'x' OR ".repeat(600)} true` })), 'InvalidQueryStatementException');
  });

  void it('allows 10 queries at once per account (MaxConcurrentQueriesException), then cancels them', async () => {
    const c = client();
    const slow = `SELECT count(*) FROM ${storeId} a CROSS JOIN ${storeId} b CROSS JOIN ${storeId} c CROSS JOIN ${storeId} d CROSS JOIN ${storeId} e CROSS JOIN ${storeId} f`;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await c.send(new StartQueryCommand({ QueryStatement: slow }))).QueryId!);
    await rejectsWith(c.send(new StartQueryCommand({ QueryStatement: slow })), 'MaxConcurrentQueriesException');
    // Another account is not limited by this one's queries.
    await runQuery(client(OTHER), 'SELECT count(*) AS n FROM event_history');
    for (const id of ids) await c.send(new CancelQueryCommand({ QueryId: id }));
    for (const id of ids) assert.equal(await waitForQuery(c, id), 'CANCELLED');
    await runQuery(c, `SELECT count(*) AS n FROM ${storeId}`);
  });

  void it('cancels a running query', async () => {
    const c = client();
    // A cross join big enough to run for a while.
    const { QueryId } = await c.send(
      new StartQueryCommand({ QueryStatement: `SELECT count(*) FROM ${storeId} a CROSS JOIN ${storeId} b CROSS JOIN ${storeId} c CROSS JOIN ${storeId} d CROSS JOIN ${storeId} e` }),
    );
    const cancelled = await c.send(new CancelQueryCommand({ QueryId }));
    assert.equal(cancelled.QueryStatus, 'CANCELLED');
    assert.equal(await waitForQuery(c, QueryId!), 'CANCELLED');
    const results = await c.send(new GetQueryResultsCommand({ QueryId }));
    assert.equal(results.QueryStatus, 'CANCELLED');
    assert.deepEqual(results.QueryResultRows, []);
  });
});
