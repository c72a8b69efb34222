import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import type { DeliveredFile, RecordSpec } from '../support/trail-delivery.js';
import { eventIdCounts, makeRecord, readLogFiles } from '../support/trail-delivery.js';

// Trail delivery to moto's S3: exact keys, each matched event in exactly one file, selectors as AWS
// applies them, a kill -9 in the middle of delivery, and S3 going away and coming back.

const ACCOUNT = '222233334444';
const OTHER = '999988887777';
const BUCKET = 'delivered';
const CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requireProgram('moto_server', ['--help']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every kind of event the selectors below tell apart, in two regions. */
function specs(): RecordSpec[] {
  const out: RecordSpec[] = [];
  for (const region of ['us-east-1', 'eu-west-1']) {
    const base = { account: ACCOUNT, region };
    out.push(
      { ...base, source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true },
      { ...base, source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false },
      { ...base, source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true },
      { ...base, source: 'kms.amazonaws.com', name: 'CreateKey', readOnly: false },
      { ...base, source: 's3.amazonaws.com', name: 'GetObject', readOnly: true, s3Object: 'bucket-a/reports/q1.csv' },
      { ...base, source: 's3.amazonaws.com', name: 'PutObject', readOnly: false, s3Object: 'bucket-a/reports/q2.csv' },
      { ...base, source: 's3.amazonaws.com', name: 'GetObject', readOnly: true, s3Object: 'bucket-b/img.png' },
      { ...base, source: 's3.amazonaws.com', name: 'PutObject', readOnly: false, s3Object: 'bucket-b/img.png' },
      { ...base, account: OTHER, source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false },
    );
  }
  return out;
}

/** What each trail must log, written out from AWS's documented selector rules. */
const EXPECTED: Record<string, (s: RecordSpec) => boolean> = {
  // Default selectors, single-region in us-east-1: every management event there, no data events.
  everything: (s) => s.account === ACCOUNT && s.region === 'us-east-1' && s.s3Object === undefined,
  // Multi-region, WriteOnly, management without KMS, S3 data events under bucket-a/.
  writes: (s) => s.account === ACCOUNT && !s.readOnly && (s.s3Object === undefined ? s.source !== 'kms.amazonaws.com' : s.s3Object.startsWith('bucket-a/')),
  // Advanced, single-region: read-only management events, and data events on bucket-b objects.
  advanced: (s) => s.account === ACCOUNT && s.region === 'us-east-1' && (s.s3Object === undefined ? s.readOnly : s.s3Object.startsWith('bucket-b/')),
};

void describe('trail delivery to moto S3', { skip: missing }, () => {
  let moto: MotoServer;
  let cairn: CairnProcess;
  let s3: S3Client;
  let ct: CloudTrailClient;

  const startCairn = async (dataDir?: string): Promise<void> => {
    cairn = await CairnProcess.start(['--auth', 'off', '--s3-endpoint', moto.url, '--delivery-interval', '1'], dataDir, {
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    });
    ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
  };

  const importRecords = (records: Record<string, unknown>[], name: string): void => {
    const file = join(cairn.dataDir, `${name}.jsonl`);
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    execFileSync(process.execPath, [CLI, 'import', file, '--data-dir', cairn.dataDir], { stdio: 'ignore' });
  };

  /** Waits until every wanted eventID is delivered under `prefix`, then a little longer for strays. */
  const collect = async (prefix: string, wanted: readonly string[], timeoutMs = 60_000): Promise<DeliveredFile[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const files = await readLogFiles(s3, BUCKET, prefix);
      const counts = eventIdCounts(files);
      if (wanted.every((id) => counts.has(id))) {
        await sleep(2500);
        return readLogFiles(s3, BUCKET, prefix);
      }
      if (Date.now() > deadline) assert.fail(`only ${wanted.filter((id) => counts.has(id)).length}/${wanted.length} delivered under ${prefix}\n${cairn.output}`);
      await sleep(300);
    }
  };

  before(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await startCairn();
  });

  after(async () => {
    await cairn?.dispose();
    await moto?.stop();
  });

  void it('writes each matched event exactly once, under AWS keys, as selectors decide', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'everything', S3BucketName: BUCKET, S3KeyPrefix: 'everything' }));
    await ct.send(new CreateTrailCommand({ Name: 'writes', S3BucketName: BUCKET, S3KeyPrefix: 'writes', IsMultiRegionTrail: true }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'writes',
        EventSelectors: [
          { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, ExcludeManagementEventSources: ['kms.amazonaws.com'], DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-a/'] }] },
        ],
      }),
    );
    await ct.send(new CreateTrailCommand({ Name: 'advanced', S3BucketName: BUCKET, S3KeyPrefix: 'advanced' }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'advanced',
        AdvancedEventSelectors: [
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] },
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::bucket-b/'] }] },
        ],
      }),
    );
    // Recorded before logging starts: never delivered.
    const early = specs().map((s) => makeRecord(s, new Date()));
    importRecords(early, 'early');
    for (const name of Object.keys(EXPECTED)) await ct.send(new StartLoggingCommand({ Name: name }));
    const all = specs();
    const records = all.map((s, i) => makeRecord(s, new Date(Date.UTC(2026, 0, 2, 3, 4, i))));
    importRecords(records, 'selectors');

    for (const [trail, wants] of Object.entries(EXPECTED)) {
      const wanted = records.filter((_, i) => wants(all[i]!)).map((r) => String(r.eventID));
      const files = await collect(`${trail}/`, wanted);
      const counts = eventIdCounts(files);
      const ours = new Set(records.map((r) => String(r.eventID)));
      const delivered = [...counts.keys()].filter((id) => ours.has(id)).sort();
      assert.deepEqual(delivered, [...wanted].sort(), `${trail}: exactly the events its selectors match`);
      for (const [id, n] of counts) assert.equal(n, 1, `${trail}: ${id} delivered ${n} times`);
      for (const r of early) assert.equal(counts.has(String(r.eventID)), false, 'nothing from before StartLogging');
      for (const file of files) {
        const m = /^([a-z]+)\/AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$/.exec(file.key);
        assert.ok(m, `AWS's key layout: ${file.key}`);
        const [, prefix, account, region, y, mo, d, account2, region2, ymd] = m;
        assert.equal(prefix, trail);
        assert.equal(account, ACCOUNT);
        assert.equal(account2, ACCOUNT);
        assert.equal(region2, region);
        assert.equal(ymd, `${y}${mo}${d}`);
        assert.ok(file.records.every((r) => r.awsRegion === region), 'one folder per region');
        assert.ok(file.text.startsWith('{"Records":['));
        for (const r of file.records) {
          const original = records.find((x) => x.eventID === r.eventID);
          if (original) assert.ok(file.text.includes(JSON.stringify(original)), 'records verbatim');
        }
      }
    }
    const status = await ct.send(new GetTrailStatusCommand({ Name: 'everything' }));
    assert.ok(status.LatestDeliveryTime instanceof Date);
    assert.equal(status.LatestDeliveryError, undefined);
  });

  void it('loses and duplicates nothing when killed with SIGKILL during delivery', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'crashy', S3BucketName: BUCKET, S3KeyPrefix: 'crashy' }));
    await ct.send(new StartLoggingCommand({ Name: 'crashy' }));
    const spec: RecordSpec = { account: ACCOUNT, region: 'us-east-1', source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false };
    const records = Array.from({ length: 12_000 }, (_, i) => makeRecord(spec, new Date(Date.UTC(2026, 0, 3, 0, 0, i % 60))));
    importRecords(records, 'bulk');
    const dataDir = cairn.dataDir;
    for (const delay of [150, 400, 250]) {
      await sleep(delay);
      await cairn.kill();
      await startCairn(dataDir);
    }
    const files = await collect('crashy/', records.map((r) => String(r.eventID)), 120_000);
    const counts = eventIdCounts(files);
    for (const r of records) assert.equal(counts.get(String(r.eventID)), 1, `${String(r.eventID)} once`);
    for (const [id, n] of counts) assert.equal(n, 1, `${id} delivered ${n} times`);
  });

  void it('keeps the backlog while S3 is down, shows the error, and delivers it when S3 is back', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'patient', S3BucketName: BUCKET, S3KeyPrefix: 'patient' }));
    await ct.send(new StartLoggingCommand({ Name: 'patient' }));
    const port = moto.port;
    await moto.stop();
    const spec: RecordSpec = { account: ACCOUNT, region: 'us-east-1', source: 'ec2.amazonaws.com', name: 'StopInstances', readOnly: false };
    const records = Array.from({ length: 50 }, (_, i) => makeRecord(spec, new Date(Date.UTC(2026, 0, 4, 0, 0, i))));
    importRecords(records, 'backlog');
    let error: string | undefined;
    for (let i = 0; i < 100 && !error; i++) {
      error = (await ct.send(new GetTrailStatusCommand({ Name: 'patient' }))).LatestDeliveryError;
      await sleep(200);
    }
    assert.equal(error, 'ECONNREFUSED', 'GetTrailStatus shows the storage failure');
    moto = await MotoServer.start({ port });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const files = await collect('patient/', records.map((r) => String(r.eventID)), 90_000);
    const counts = eventIdCounts(files);
    for (const r of records) assert.equal(counts.get(String(r.eventID)), 1);
    const status = await ct.send(new GetTrailStatusCommand({ Name: 'patient' }));
    assert.equal(status.LatestDeliveryError, undefined, 'cleared by the successful delivery');
    assert.ok(status.LatestDeliveryTime instanceof Date);
  });
});
