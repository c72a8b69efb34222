import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CloudTrailClient,
  CreateEventDataStoreCommand,
  DeleteEventDataStoreCommand,
  GetImportCommand,
  ListImportFailuresCommand,
  ListImportsCommand,
  LookupEventsCommand,
  StartImportCommand,
  StopImportCommand,
} from '@aws-sdk/client-cloudtrail';
import type { GetImportCommandOutput } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import { CairnProcess } from '../support/cairn-process.js';
import type { FixtureEvent } from '../support/fixture-events.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { countBy, rejectsWith, runQuery } from './support.js';
import type { ArchiveObject } from './trail-archive.js';
import { corruptObject, eventsOf, flaws2Objects, noiseObjects, stratusObjects } from './trail-archive.js';

// Lake imports (StartImport ...) through the JS SDK v3 and the AWS CLI against `cairn serve`, from a
// trail archive in a real moto S3 and in a local-directory bucket. What lands in the store is checked
// with StartQuery against counts computed here from the archive's files.

const missing = requireProgram('moto_server', ['--help']) || requireProgram('aws');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/import-role`;
const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: REGION };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function client(cairn: CairnProcess, account = ACCOUNT): CloudTrailClient {
  return new CloudTrailClient({ endpoint: cairn.url, region: REGION, credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function waitForImport(ct: CloudTrailClient, id: string, until: (g: GetImportCommandOutput) => boolean, timeoutMs = 90_000): Promise<GetImportCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await ct.send(new GetImportCommand({ ImportId: id }));
    if (until(g)) return g;
    assert.ok(Date.now() < deadline, `import ${id} still ${g.ImportStatus} (${JSON.stringify(g.ImportStatistics)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (g: GetImportCommandOutput): boolean => g.ImportStatus === 'COMPLETED' || g.ImportStatus === 'FAILED';

async function newStore(ct: CloudTrailClient, name: string): Promise<{ arn: string; id: string }> {
  // Not ingesting: only imported events are in it (the test's own calls are recorded in event history).
  const created = await ct.send(new CreateEventDataStoreCommand({ Name: name, StartIngestion: false, TerminationProtectionEnabled: false, RetentionPeriod: 3653 }));
  return { arn: created.EventDataStoreArn!, id: created.EventDataStoreArn!.split('/').pop()! };
}

async function storeCounts(ct: CloudTrailClient, storeId: string): Promise<Record<string, number>> {
  const rows = await runQuery(ct, `SELECT eventSource, COUNT(*) AS n FROM ${storeId} GROUP BY eventSource`);
  const pairs: [string, number][] = rows.map((r) => [r.eventSource ?? '', Number(r.n)]);
  return Object.fromEntries(pairs.sort(([a], [b]) => a.localeCompare(b)));
}

const bySource = (events: readonly FixtureEvent[]): Record<string, number> => countBy(events, (e) => e.eventSource);

function source(bucket: string, prefix = ''): { S3: { S3LocationUri: string; S3BucketRegion: string; S3BucketAccessRoleArn: string } } {
  return { S3: { S3LocationUri: `s3://${bucket}/${prefix}`, S3BucketRegion: REGION, S3BucketAccessRoleArn: ROLE } };
}

async function upload(s3: S3Client, bucket: string, objects: readonly ArchiveObject[]): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const o of objects) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body }));
}

void describe('Lake imports from a trail archive', { skip: missing }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let cairn: CairnProcess;
  let ct: CloudTrailClient;
  /** The main archive: real log files, one corrupt file, a digest and a README. */
  let logs: ArchiveObject[];
  let corrupt: ArchiveObject;
  /** Many files, for stopping and crashing mid-import. */
  let big: ArchiveObject[];

  before(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    logs = [...stratusObjects('trails/'), ...flaws2Objects('trails/')];
    const last = Math.max(...eventsOf(logs).map((e) => e.eventTime));
    corrupt = corruptObject('trails/', ACCOUNT, REGION, last);
    await upload(s3, 'archive', [...logs, corrupt, ...noiseObjects('trails/', ACCOUNT), { key: 'elsewhere/x.json.gz', body: logs[0]!.body, events: [] }]);
    big = Array.from({ length: 2 }, (_, copy) => stratusObjects('', copy + 1)).flat();
    await upload(s3, 'big-archive', big);
    // One file per batch: a stop or a crash lands between batches.
    cairn = await CairnProcess.start(['--auth', 'off', '--s3-endpoint', moto.url, '--import-batch-files', '1'], undefined, CREDS);
    ct = client(cairn);
  });

  after(async () => {
    await cairn?.dispose();
    await moto?.stop();
  });

  void it('imports every log file under the URI into the store, and lists the corrupt one as a failure', async () => {
    const store = await newStore(ct, 'imported');
    const started = await ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('archive', 'trails/') }));
    assert.match(started.ImportId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(started.ImportStatus, 'INITIALIZING');
    assert.deepEqual(started.Destinations, [store.arn]);
    assert.equal(started.ImportSource?.S3?.S3LocationUri, 's3://archive/trails/');
    const done = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(done.ImportStatus, 'COMPLETED');
    const expected = eventsOf(logs);
    const prefixes = new Set([...logs, corrupt].map((o) => dirname(o.key)));
    assert.deepEqual(done.ImportStatistics, {
      PrefixesFound: prefixes.size,
      PrefixesCompleted: prefixes.size,
      FilesCompleted: logs.length + 1,
      EventsCompleted: expected.length,
      FailedEntries: 1,
    });
    assert.deepEqual(await storeCounts(ct, store.id), bySource(expected));
    // Imported events are in the store only, not in event history.
    const sample = expected[0]!;
    const looked = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: sample.eventId }] }));
    assert.equal(looked.Events?.length, 0);

    const failures = await ct.send(new ListImportFailuresCommand({ ImportId: started.ImportId }));
    assert.equal(failures.Failures?.length, 1);
    const failure = failures.Failures?.[0];
    assert.equal(failure!.Location, `s3://archive/${corrupt.key}`);
    assert.equal(failure!.Status, 'FAILED');
    assert.ok(failure!.ErrorType && failure!.ErrorMessage && failure!.LastUpdatedTime instanceof Date);

    // A retry reads the failed file again (still corrupt): it stays FAILED, nothing is imported twice.
    const retried = await ct.send(new StartImportCommand({ ImportId: started.ImportId }));
    assert.equal(retried.ImportStatus, 'INITIALIZING');
    const again = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(again.ImportStatistics?.EventsCompleted, expected.length);
    assert.equal(again.ImportStatistics?.FailedEntries, 1);
    assert.deepEqual(await storeCounts(ct, store.id), bySource(expected));
  });

  void it('imports only the events between StartEventTime and EndEventTime', async () => {
    const store = await newStore(ct, 'windowed');
    const times = eventsOf(logs)
      .map((e) => e.eventTime)
      .sort((a, b) => a - b);
    const start = times[Math.floor(times.length / 4)]!;
    const end = times[Math.floor((times.length * 3) / 4)]!;
    const expected = eventsOf(logs).filter((e) => e.eventTime >= start && e.eventTime <= end);
    assert.ok(expected.length > 0 && expected.length < times.length);
    const started = await ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('archive', 'trails/'), StartEventTime: new Date(start), EndEventTime: new Date(end) }));
    assert.equal(started.StartEventTime?.getTime(), start);
    const done = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(done.ImportStatus, 'COMPLETED');
    assert.equal(done.ImportStatistics?.EventsCompleted, expected.length);
    assert.deepEqual(await storeCounts(ct, store.id), bySource(expected));
  });

  void it('stops, refuses a second import while one runs, and resumes a stopped import without duplicates', async () => {
    const store = await newStore(ct, 'stopped');
    const other = await newStore(ct, 'other');
    const started = await ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('big-archive') }));
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [other.arn], ImportSource: source('archive', 'trails/') })), 'AccountHasOngoingImportException');
    await waitForImport(ct, started.ImportId!, (g) => (g.ImportStatistics?.FilesCompleted ?? 0) >= 2);
    const stopped = await ct.send(new StopImportCommand({ ImportId: started.ImportId }));
    assert.equal(stopped.ImportStatus, 'STOPPED');
    await new Promise((r) => setTimeout(r, 1000));
    const held = await ct.send(new GetImportCommand({ ImportId: started.ImportId }));
    assert.equal(held.ImportStatus, 'STOPPED');
    const partial = held.ImportStatistics!;
    assert.ok(partial.FilesCompleted! < big.length, `stopped after ${partial.FilesCompleted} of ${big.length} files`);
    // What the statistics say was imported is what the store holds.
    const count = async (): Promise<number> => Number((await runQuery(ct, `SELECT COUNT(*) AS n FROM ${store.id}`))[0]?.n);
    assert.equal(await count(), partial.EventsCompleted);
    assert.deepEqual(
      (await ct.send(new ListImportsCommand({ ImportStatus: 'STOPPED' }))).Imports?.map((i) => i.ImportId),
      [started.ImportId],
    );

    await ct.send(new StartImportCommand({ ImportId: started.ImportId }));
    const done = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(done.ImportStatus, 'COMPLETED');
    assert.equal(done.ImportStatistics?.FilesCompleted, big.length);
    assert.equal(done.ImportStatistics?.EventsCompleted, eventsOf(big).length);
    assert.deepEqual(await storeCounts(ct, store.id), bySource(eventsOf(big)));
    await rejectsWith(ct.send(new StartImportCommand({ ImportId: started.ImportId })), 'InvalidParameterException');
  });

  void it('goes on after the server is killed mid-import, importing no file twice', async () => {
    const store = await newStore(ct, 'crashed');
    const started = await ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('big-archive') }));
    await waitForImport(ct, started.ImportId!, (g) => (g.ImportStatistics?.FilesCompleted ?? 0) >= 3);
    await cairn.kill();
    await cairn.spawn();
    ct = client(cairn);
    const done = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(done.ImportStatus, 'COMPLETED');
    assert.equal(done.ImportStatistics?.FilesCompleted, big.length);
    assert.deepEqual(await storeCounts(ct, store.id), bySource(eventsOf(big)));
  });

  void it('lists imports with paging and filters', async () => {
    const all = (await ct.send(new ListImportsCommand({}))).Imports ?? [];
    assert.ok(all.length >= 4);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ct.send(new ListImportsCommand({ MaxResults: 1, NextToken: token }));
      assert.ok((page.Imports?.length ?? 0) <= 1);
      seen.push(...(page.Imports ?? []).map((i) => i.ImportId!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, all.map((i) => i.ImportId));
    const first = all[0]!;
    const byDestination = (await ct.send(new ListImportsCommand({ Destination: first.Destinations![0] }))).Imports ?? [];
    assert.deepEqual(byDestination.map((i) => i.ImportId), [first.ImportId]);
    const completed = (await ct.send(new ListImportsCommand({ ImportStatus: 'COMPLETED' }))).Imports ?? [];
    assert.ok(completed.every((i) => i.ImportStatus === 'COMPLETED') && completed.length === all.length);
    // Another account sees none of them.
    assert.deepEqual((await client(cairn, '210987654321').send(new ListImportsCommand({}))).Imports, []);
  });

  void it('answers bad requests with AWS errors', async () => {
    const store = await newStore(ct, 'errors');
    await rejectsWith(ct.send(new GetImportCommand({ ImportId: UNKNOWN_ID })), 'ImportNotFoundException');
    await rejectsWith(ct.send(new StopImportCommand({ ImportId: UNKNOWN_ID })), 'ImportNotFoundException');
    await rejectsWith(ct.send(new ListImportFailuresCommand({ ImportId: UNKNOWN_ID })), 'ImportNotFoundException');
    await rejectsWith(ct.send(new StartImportCommand({ ImportId: UNKNOWN_ID })), 'ImportNotFoundException');
    await rejectsWith(ct.send(new GetImportCommand({ ImportId: 'not-an-id' })), 'InvalidParameterException');
    await rejectsWith(ct.send(new StartImportCommand({ ImportSource: source('archive') })), 'InvalidParameterException');
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [store.arn] })), 'InvalidParameterException');
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [store.arn, store.arn], ImportSource: source('archive') })), 'InvalidParameterException');
    await rejectsWith(
      ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: { S3: { S3LocationUri: 's3://archive/', S3BucketRegion: REGION, S3BucketAccessRoleArn: 'not-a-role' } } })),
      'InvalidParameterException',
    );
    await rejectsWith(
      ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('archive'), StartEventTime: new Date(2000), EndEventTime: new Date(1000) })),
      'InvalidParameterException',
    );
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('no-such-bucket') })), 'InvalidImportSourceException');
    await rejectsWith(
      ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: { S3: { S3LocationUri: 'https://archive/', S3BucketRegion: REGION, S3BucketAccessRoleArn: ROLE } } })),
      'InvalidImportSourceException',
    );
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: ['arn:aws:cloudtrail:nope'], ImportSource: source('archive') })), 'EventDataStoreARNInvalidException');
    await rejectsWith(
      ct.send(new StartImportCommand({ Destinations: [`arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${UNKNOWN_ID}`], ImportSource: source('archive') })),
      'EventDataStoreNotFoundException',
    );
    const audit = await ct.send(
      new CreateEventDataStoreCommand({ Name: 'audit-store', TerminationProtectionEnabled: false, AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['ActivityAuditLog'] }] }] }),
    );
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [audit.EventDataStoreArn!], ImportSource: source('archive') })), 'InvalidEventDataStoreCategoryException');
    await ct.send(new DeleteEventDataStoreCommand({ EventDataStore: store.arn }));
    await rejectsWith(ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('archive') })), 'InactiveEventDataStoreException');
    await rejectsWith(ct.send(new ListImportsCommand({ MaxResults: 0 })), 'InvalidParameterException');
    await rejectsWith(ct.send(new ListImportsCommand({ ImportStatus: 'DONE' as 'COMPLETED' })), 'InvalidParameterException');
    await rejectsWith(ct.send(new ListImportsCommand({ NextToken: 'bogus-token' })), 'InvalidNextTokenException');
    await rejectsWith(ct.send(new ListImportsCommand({ Destination: 'arn:aws:cloudtrail:nope' })), 'EventDataStoreARNInvalidException');
  });

  void it('works through the AWS CLI', async () => {
    const driver = AwsCliDriver.start();
    try {
      const env = { AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };
      const aws = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
        driver.run(['cloudtrail', ...args, '--endpoint-url', cairn.url, '--output', 'json'], env);
      const ok = async <T>(args: string[]): Promise<T> => {
        const r = await aws(args);
        assert.equal(r.code, 0, `aws cloudtrail ${args.join(' ')}: ${r.stderr}`);
        return JSON.parse(r.stdout || '{}') as T;
      };
      const fails = async (args: string[], code: string): Promise<void> => {
        const r = await aws(args);
        assert.equal(r.code, 255, r.stdout);
        assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation: \\S`), r.stderr);
      };
      const store = await newStore(ct, 'via-cli');
      const started = await ok<{ ImportId: string; ImportStatus: string }>([
        'start-import',
        '--destinations',
        store.arn,
        '--import-source',
        JSON.stringify(source('archive', 'trails/')),
      ]);
      assert.equal(started.ImportStatus, 'INITIALIZING');
      let got: { ImportStatus: string; ImportStatistics: { EventsCompleted: number; FailedEntries: number } };
      do {
        await new Promise((r) => setTimeout(r, 200));
        got = await ok(['get-import', '--import-id', started.ImportId]);
      } while (got.ImportStatus !== 'COMPLETED' && got.ImportStatus !== 'FAILED');
      assert.equal(got.ImportStatus, 'COMPLETED');
      assert.equal(got.ImportStatistics.EventsCompleted, eventsOf(logs).length);
      const failures = await ok<{ Failures: { Location: string; Status: string }[] }>(['list-import-failures', '--import-id', started.ImportId]);
      assert.deepEqual(failures.Failures.map((f) => [f.Location, f.Status]), [[`s3://archive/${corrupt.key}`, 'FAILED']]);
      const listed = await ok<{ Imports: { ImportId: string }[] }>(['list-imports', '--destination', store.arn]);
      assert.deepEqual(listed.Imports.map((i) => i.ImportId), [started.ImportId]);
      const stopped = await ok<{ ImportStatus: string }>(['stop-import', '--import-id', started.ImportId]);
      assert.equal(stopped.ImportStatus, 'COMPLETED');
      await fails(['get-import', '--import-id', UNKNOWN_ID], 'ImportNotFoundException');
      await fails(['stop-import', '--import-id', UNKNOWN_ID], 'ImportNotFoundException');
      await fails(['list-import-failures', '--import-id', UNKNOWN_ID], 'ImportNotFoundException');
      await fails(['start-import', '--destinations', store.arn, '--import-source', JSON.stringify(source('no-such-bucket'))], 'InvalidImportSourceException');
      await fails(['list-imports', '--import-status', 'DONE'], 'InvalidParameterException');
    } finally {
      await driver.stop();
    }
  });
});

void describe('Lake imports from a local-directory bucket', () => {
  let cairn: CairnProcess;

  after(async () => {
    await cairn?.dispose();
  });

  void it('imports the archive under <data-dir>/buckets/<bucket>', async () => {
    cairn = await CairnProcess.start(['--auth', 'off']);
    const logs = [...stratusObjects(), ...flaws2Objects()];
    for (const o of logs) {
      const path = join(cairn.dataDir, 'buckets', 'local-trail', ...o.key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, o.body);
    }
    const ct = client(cairn);
    const store = await newStore(ct, 'local-import');
    const started = await ct.send(new StartImportCommand({ Destinations: [store.arn], ImportSource: source('local-trail') }));
    const done = await waitForImport(ct, started.ImportId!, finished);
    assert.equal(done.ImportStatus, 'COMPLETED');
    assert.equal(done.ImportStatistics?.FilesCompleted, logs.length);
    assert.equal(done.ImportStatistics?.FailedEntries, 0);
    assert.deepEqual(await storeCounts(ct, store.id), bySource(eventsOf(logs)));
    const failures = await ct.send(new ListImportFailuresCommand({ ImportId: started.ImportId }));
    assert.deepEqual(failures.Failures, []);
  });
});
