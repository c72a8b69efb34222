import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import type { RecordSpec } from '../support/trail-delivery.js';
import { makeRecord } from '../support/trail-delivery.js';

// A trail delivering to a local-directory bucket: `cairn validate-logs` gives the AWS CLI's verdicts and
// report, and `cairn import` of the bucket gives back the delivered events byte for byte.

const ACCOUNT = '333344445555';
const BUCKET = 'local-trail';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

void describe('local-directory bucket: cairn validate-logs and import round trip', () => {
  let cairn: CairnProcess;
  let dataDir: string;
  let bucketDir: string;
  let trailArn: string;
  const start = new Date(Date.now() - 60_000).toISOString();

  const validate = (): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, 'validate-logs', '--trail-arn', trailArn, '--start-time', start, '--verbose', '--data-dir', dataDir], (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-local-trail-'));
    execFileSync(process.execPath, [CLI, 'buckets', 'create', BUCKET, '--data-dir', dataDir]);
    bucketDir = join(dataDir, 'buckets', BUCKET);
    cairn = await CairnProcess.start(['--auth', 'off', '--delivery-interval', '1', '--digest-interval', '2'], dataDir);
    const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
    trailArn = (await ct.send(new CreateTrailCommand({ Name: 'local', S3BucketName: BUCKET, EnableLogFileValidation: true }))).TrailARN!;
    await ct.send(new StartLoggingCommand({ Name: 'local' }));
    const spec: RecordSpec = { account: ACCOUNT, region: 'us-east-1', source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false };
    for (let round = 0; round < 3; round++) {
      const file = join(dataDir, `round${round}.jsonl`);
      writeFileSync(file, Array.from({ length: 20 }, (_, i) => JSON.stringify(makeRecord(spec, new Date(Date.UTC(2026, 0, 5, round, i))))).join('\n'));
      execFileSync(process.execPath, [CLI, 'import', file, '--data-dir', dataDir], { stdio: 'ignore' });
      await sleep(2500);
    }
    await ct.send(new StopLoggingCommand({ Name: 'local' }));
    for (let i = 0; i < 50; i++) {
      const s = await ct.send(new GetTrailStatusCommand({ Name: 'local' }));
      if (s.LatestDigestDeliveryTime && s.StopLoggingTime && s.LatestDigestDeliveryTime >= s.StopLoggingTime) break;
      await sleep(200);
    }
    await cairn.stop();
  });

  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logFiles = (): string[] => walk(join(bucketDir, 'AWSLogs', ACCOUNT, 'CloudTrail')).sort();
  const digestFiles = (): string[] => walk(join(bucketDir, 'AWSLogs', ACCOUNT, 'CloudTrail-Digest')).sort();

  void it('reports every digest and log file valid', async () => {
    const digests = digestFiles();
    const logs = logFiles();
    assert.ok(digests.length >= 3, `digests: ${digests.length}`);
    assert.ok(logs.length >= 3, `logs: ${logs.length}`);
    const run = await validate();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^Validating log files for trail ${trailArn} between `));
    assert.match(run.stdout, new RegExp(`\\n${digests.length}/${digests.length} digest files valid\\n${logs.length}/${logs.length} log files valid\\n$`));
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('Digest file\t')).length, digests.length);
  });

  void it('gives back the delivered events byte for byte through cairn import', async () => {
    const delivered = new Map<string, string>();
    for (const file of logFiles()) {
      const text = gunzipSync(readFileSync(file)).toString();
      for (const r of (JSON.parse(text) as { Records: { eventID: string }[] }).Records) delivered.set(r.eventID, '');
    }
    const original = openSqliteStore({ dataDir });
    for (const e of await original.events.readAfter(0, 1_000_000)) if (delivered.has(e.eventId)) delivered.set(e.eventId, e.raw);
    await original.close();
    const copyDir = mkdtempSync(join(tmpdir(), 'cairn-reimport-'));
    try {
      execFileSync(process.execPath, [CLI, 'import', bucketDir, '--data-dir', copyDir], { stdio: 'ignore' });
      const copy = openSqliteStore({ dataDir: copyDir });
      const imported = await copy.events.readAfter(0, 1_000_000);
      await copy.close();
      assert.equal(imported.length, delivered.size, 'every delivered event, and nothing else (digests are not events)');
      for (const e of imported) assert.equal(e.raw, delivered.get(e.eventId), `${e.eventId} byte for byte`);
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
  });

  void it('reports a modified log file INVALID and exits 1', async () => {
    const target = logFiles()[0]!;
    const bytes = readFileSync(target);
    writeFileSync(target, gzipSync(gunzipSync(bytes).toString().replace('RunInstances', 'RunInstancez')));
    const run = await validate();
    writeFileSync(target, bytes);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Log file\ts3:\/\/local-trail\/AWSLogs\/.+\tINVALID: hash value doesn't match/);
    assert.match(run.stdout, /, 1\/\d+ log files INVALID/);
  });

  void it('reports a deleted log file INVALID and exits 1', async () => {
    const target = logFiles().at(-1)!;
    const bytes = readFileSync(target);
    rmSync(target);
    const run = await validate();
    writeFileSync(target, bytes);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Log file\ts3:\/\/local-trail\/AWSLogs\/.+\tINVALID: not found/);
    assert.equal((await validate()).code, 0, 'valid again once restored');
  });

  void it('reports a deleted digest INVALID and exits 1', async () => {
    const digests = digestFiles();
    const target = digests[Math.floor(digests.length / 2)]!;
    rmSync(target);
    const run = await validate();
    assert.equal(run.code, 1);
    const key = target.slice(bucketDir.length + 1);
    assert.ok(run.stderr.includes(`Digest file\ts3://${BUCKET}/${key}\tINVALID: not found`), run.stderr);
  });
});
