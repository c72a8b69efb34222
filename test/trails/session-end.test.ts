import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, DeleteTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { filesUnder, makeRecord } from '../support/trail-delivery.js';

// The end of a logging session: StopLogging and DeleteTrail deliver the session's last events and a
// final digest, also for a session that starts and stops between two delivery passes; StartLogging
// again starts a new digest chain, and validate-logs accepts the gap between the two.

const ACCOUNT = '555566667777';
const BUCKET = 'sessions';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


void describe('ending and restarting logging sessions', () => {
  let cairn: CairnProcess;
  let dataDir: string;
  let ct: CloudTrailClient;
  const start = new Date(Date.now() - 60_000).toISOString();

  const importOne = (name: string): string => {
    const record = makeRecord({ account: ACCOUNT, region: 'us-east-1', source: 'ec2.amazonaws.com', name, readOnly: false }, new Date());
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify(record));
    execFileSync(process.execPath, [CLI, 'import', file, '--data-dir', dataDir], { stdio: 'ignore' });
    return String(record.eventID);
  };
  const delivered = (prefix: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const file of filesUnder(join(dataDir, 'buckets', BUCKET, prefix, 'AWSLogs', ACCOUNT, 'CloudTrail'))) {
      for (const r of (JSON.parse(gunzipSync(readFileSync(file)).toString()) as { Records: { eventID: string }[] }).Records) counts.set(r.eventID, (counts.get(r.eventID) ?? 0) + 1);
    }
    return counts;
  };
  const digests = (prefix: string): string[] => filesUnder(join(dataDir, 'buckets', BUCKET, prefix, 'AWSLogs', ACCOUNT, 'CloudTrail-Digest')).sort();
  const waitForFinalDigest = async (name: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const s = await ct.send(new GetTrailStatusCommand({ Name: name }));
      if (s.LatestDigestDeliveryTime && s.StopLoggingTime && s.LatestDigestDeliveryTime >= s.StopLoggingTime) return;
      await sleep(100);
    }
    assert.fail(`no final digest for ${name}`);
  };
  const validate = (arn: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, 'validate-logs', '--trail-arn', arn, '--start-time', start, '--data-dir', dataDir], (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-sessions-'));
    execFileSync(process.execPath, [CLI, 'buckets', 'create', BUCKET, '--data-dir', dataDir]);
    // A long delivery interval: only session ends (and the first pass) deliver here.
    cairn = await CairnProcess.start(['--auth', 'off', '--delivery-interval', '3600', '--digest-interval', '3600'], dataDir);
    ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
  });

  after(async () => {
    await cairn?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('StopLogging delivers the last events and a final digest; a restart begins a new chain', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'brief', S3BucketName: BUCKET, S3KeyPrefix: 'brief', EnableLogFileValidation: true }));
    await ct.send(new StartLoggingCommand({ Name: 'brief' }));
    const first = importOne('StartInstances');
    await ct.send(new StopLoggingCommand({ Name: 'brief' }));
    await waitForFinalDigest('brief');
    const between = importOne('RebootInstances');
    await sleep(1100);
    await ct.send(new StartLoggingCommand({ Name: 'brief' }));
    const second = importOne('StopInstances');
    await ct.send(new StopLoggingCommand({ Name: 'brief' }));
    await waitForFinalDigest('brief');
    const counts = delivered('brief');
    assert.equal(counts.get(first), 1);
    assert.equal(counts.get(second), 1);
    assert.equal(counts.has(between), false, 'nothing recorded while the trail was stopped');
    assert.equal(digests('brief').length, 2, 'one final digest per session');
    const run = await validate(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/brief`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /2\/2 digest files valid/);
    assert.match(run.stderr, /No log files were delivered by CloudTrail between/, 'the gap between the two chains');
  });

  void it('DeleteTrail delivers the last events and a final digest, then forgets the trail', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'doomed', S3BucketName: BUCKET, S3KeyPrefix: 'doomed', EnableLogFileValidation: true }));
    await ct.send(new StartLoggingCommand({ Name: 'doomed' }));
    const last = importOne('TerminateInstances');
    await ct.send(new DeleteTrailCommand({ Name: 'doomed' }));
    for (let i = 0; i < 100 && digests('doomed').length === 0; i++) await sleep(100);
    assert.equal(digests('doomed').length, 1);
    assert.equal(delivered('doomed').get(last), 1);
    const digest = JSON.parse(gunzipSync(readFileSync(digests('doomed')[0]!)).toString()) as { logFiles: unknown[]; previousDigestSignature: unknown };
    assert.ok(digest.logFiles.length >= 1);
    assert.equal(digest.previousDigestSignature, null, 'the first digest of a chain');
  });

  void it('turning validation on while logging starts a digest chain that covers the later log files', async () => {
    await ct.send(new CreateTrailCommand({ Name: 'latecomer', S3BucketName: BUCKET, S3KeyPrefix: 'late' }));
    await ct.send(new StartLoggingCommand({ Name: 'latecomer' }));
    importOne('DescribeVolumes');
    await sleep(1500);
    assert.equal(digests('late').length, 0, 'no digests without validation');
    await ct.send(new UpdateTrailCommand({ Name: 'latecomer', EnableLogFileValidation: true }));
    await sleep(1500);
    const covered = importOne('AttachVolume');
    await ct.send(new StopLoggingCommand({ Name: 'latecomer' }));
    await waitForFinalDigest('latecomer');
    assert.equal(delivered('late').get(covered), 1);
    const digest = JSON.parse(gunzipSync(readFileSync(digests('late')[0]!)).toString()) as { logFiles: { s3Object: string }[] };
    assert.ok(digest.logFiles.length >= 1, 'the log files delivered after validation was turned on');
    const run = await validate(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/latecomer`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });
});
