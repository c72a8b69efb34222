import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, DescribeTrailsCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CairnProcess } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';

// THE conformance test: stock `aws cloudtrail validate-logs` (AWS CLI v1) reads what Cairn delivered to
// moto's S3 and checks every digest signature, chain link and log-file hash; then files are tampered with.

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const BUCKET = 'trail-bucket';
const S3_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requireProgram('moto_server', ['--help']) || requireProgram('aws');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('aws cloudtrail validate-logs over moto S3', { skip: missing }, () => {
  let moto: MotoServer;
  let cairn: CairnProcess;
  let s3: S3Client;
  let ct: CloudTrailClient;
  let trailArn: string;
  let startTime: number;

  before(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: S3_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    cairn = await CairnProcess.start(
      ['--auth', 'off', '--s3-endpoint', moto.url, '--delivery-interval', '1', '--digest-interval', '3'],
      undefined,
      { AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey },
    );
    ct = new CloudTrailClient({ endpoint: cairn.url, region: REGION, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
    startTime = Math.floor(Date.now() / 1000) - 60;
    const created = await ct.send(new CreateTrailCommand({ Name: 'audit', S3BucketName: BUCKET, S3KeyPrefix: 'pfx', EnableLogFileValidation: true, IsMultiRegionTrail: true }));
    trailArn = created.TrailARN!;
    await ct.send(new StartLoggingCommand({ Name: 'audit' }));
    // Activity over several digest periods (3 s each), with a quiet period in the middle (an empty digest).
    // Calls signed for eu-west-1 are events of that region: the multi-region trail gives them their own folder and digests.
    const eu = new CloudTrailClient({ endpoint: cairn.url, region: 'eu-west-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
    for (let i = 0; i < 4; i++) {
      await ct.send(new DescribeTrailsCommand({}));
      await eu.send(new DescribeTrailsCommand({}));
      await sleep(1500);
    }
    await sleep(4000);
    await ct.send(new GetTrailStatusCommand({ Name: 'audit' }));
    await sleep(3500);
    await ct.send(new StopLoggingCommand({ Name: 'audit' }));
    // The final digest is written after StopLogging.
    for (let i = 0; i < 50; i++) {
      const status = await ct.send(new GetTrailStatusCommand({ Name: 'audit' }));
      if (status.LatestDigestDeliveryTime && status.StopLoggingTime && status.LatestDigestDeliveryTime >= status.StopLoggingTime) break;
      await sleep(200);
    }
  });

  after(async () => {
    await cairn?.dispose();
    await moto?.stop();
  });

  /** The `aws` executable itself, a fresh process per run (the command keeps its counters per process). */
  const validate = (region = REGION): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const start = new Date(startTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: region, AWS_ENDPOINT_URL_S3: moto.url };
      execFile('aws', ['cloudtrail', 'validate-logs', '--endpoint-url', cairn.url, '--trail-arn', trailArn, '--start-time', start, '--verbose', '--region', region], { env }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });

  async function keys(prefix: string): Promise<string[]> {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key!).sort();
  }

  void it('reports every digest and log file valid', async () => {
    const digests = await keys('pfx/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/');
    const logs = await keys('pfx/AWSLogs/123456789012/CloudTrail/us-east-1/');
    assert.ok(digests.length >= 4, `several digest periods: ${digests.join("\n")}\n${cairn.output}`);
    assert.ok(logs.length >= 2, `several log files: ${logs.join('\n')}`);
    const run = await validate();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${digests.length}/${digests.length} digest files valid`));
    assert.match(run.stdout, new RegExp(`${logs.length}/${logs.length} log files valid`));
    assert.doesNotMatch(run.stdout + run.stderr, /INVALID/);
  });

  void it('validates another source region of a multi-region trail with that region\'s key', async () => {
    const digests = await keys('pfx/AWSLogs/123456789012/CloudTrail-Digest/eu-west-1/');
    const logs = await keys('pfx/AWSLogs/123456789012/CloudTrail/eu-west-1/');
    assert.ok(digests.length >= 2 && logs.length >= 1, `eu-west-1: ${digests.length} digests, ${logs.length} logs`);
    assert.ok(digests.every((k) => k.includes('_CloudTrail-Digest_eu-west-1_audit_us-east-1_')));
    const run = await validate('eu-west-1');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${digests.length}/${digests.length} digest files valid`));
    assert.match(run.stdout, new RegExp(`${logs.length}/${logs.length} log files valid`));
  });

  void it('reports a modified log file INVALID and exits 1', async () => {
    const logs = await keys('pfx/AWSLogs/123456789012/CloudTrail/us-east-1/');
    const target = logs[0]!;
    const original = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: target }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    const text = gunzipSync(bytes).toString().replace('DescribeTrails', 'DescribeTrailz');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: target, Body: gzipSync(text) }));
    const run = await validate();
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`Log file\\ts3://${BUCKET}/${target}\\tINVALID: hash value doesn't match`));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: target, Body: bytes }));
    const restored = await validate();
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  });

  void it('reports a deleted log file INVALID and exits 1', async () => {
    const logs = await keys('pfx/AWSLogs/123456789012/CloudTrail/us-east-1/');
    const target = logs.at(-1)!;
    const original = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: target }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: target }));
    const run = await validate();
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`Log file\\ts3://${BUCKET}/${target}\\tINVALID: not found`));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: target, Body: bytes }));
  });

  void it('reports a deleted digest INVALID and exits 1', async () => {
    const digests = await keys('pfx/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/');
    const target = digests[Math.floor(digests.length / 2)]!;
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: target }));
    const run = await validate();
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`Digest file\\ts3://${BUCKET}/${target}\\tINVALID: not found`));
  });
});
