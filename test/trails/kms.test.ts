import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, DescribeTrailsCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { filesUnder, listKeys } from '../support/trail-delivery.js';

// Log files encrypted with a trail's KmsKeyId, against moto's KMS: SSE-KMS headers on S3; envelope
// encryption (AES-256-GCM, data key wrapped by KMS beside the object) in a local bucket. Digests never.

const ACCOUNT = '123456789012'; // moto's account: the key ARNs Cairn builds must name it
const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const missing = requireProgram('moto_server', ['--help']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


/** Decrypts a local bucket's object independently of Cairn: its envelope, KMS Decrypt, AES-256-GCM, gunzip. */
async function decryptLocalObject(kms: KMSClient, bucketsRoot: string, file: string): Promise<string> {
  const key = relative(bucketsRoot, file);
  const metadata = JSON.parse(readFileSync(join(bucketsRoot, '.cairn-metadata', `${key}.json`), 'utf8')) as Record<string, string>;
  const envelope = JSON.parse(metadata['x-cairn-envelope']!) as { wrappedKey: string; iv: string; tag: string };
  const dataKey = (await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.wrappedKey, 'base64') }))).Plaintext!;
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  return gunzipSync(Buffer.concat([decipher.update(readFileSync(file)), decipher.final()])).toString('utf8');
}

async function readEvents(dataDir: string): Promise<{ eventId: string; raw: string }[]> {
  const store = openSqliteStore({ dataDir });
  try {
    return await store.events.readAfter(0, 1_000_000);
  } finally {
    await store.close();
  }
}

void describe('log-file encryption with KMS (moto)', { skip: missing }, () => {
  let moto: MotoServer;
  let kms: KMSClient;
  let keyId: string;

  before(async () => {
    moto = await MotoServer.start();
    kms = new KMSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  });

  after(async () => {
    await moto?.stop();
  });

  const waitForDigest = async (ct: CloudTrailClient, name: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const s = await ct.send(new GetTrailStatusCommand({ Name: name }));
      if (s.LatestDigestDeliveryTime && s.StopLoggingTime && s.LatestDigestDeliveryTime >= s.StopLoggingTime) return;
      await sleep(100);
    }
    assert.fail('no final digest');
  };

  void it('on S3: SSE-KMS on log files, not on digests; unknown and disabled keys rejected', async () => {
    const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'sealed' }));
    const cairn = await CairnProcess.start(['--auth', 'off', '--s3-endpoint', moto.url, '--kms-endpoint', moto.url, '--delivery-interval', '1'], undefined, CREDS);
    try {
      const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
      const created = await ct.send(new CreateTrailCommand({ Name: 'sealed', S3BucketName: 'sealed', KmsKeyId: keyId, EnableLogFileValidation: true }));
      const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
      assert.equal(created.KmsKeyId, keyArn, 'echoed as the full key ARN');
      await ct.send(new StartLoggingCommand({ Name: 'sealed' }));
      await ct.send(new StopLoggingCommand({ Name: 'sealed' }));
      await waitForDigest(ct, 'sealed');
      const logs = await listKeys(s3, 'sealed', 'AWSLogs/123456789012/CloudTrail/');
      const digests = await listKeys(s3, 'sealed', 'AWSLogs/123456789012/CloudTrail-Digest/');
      assert.ok(logs.length >= 1 && digests.length >= 1);
      const log = await s3.send(new HeadObjectCommand({ Bucket: 'sealed', Key: logs[0] }));
      assert.equal(log.ServerSideEncryption, 'aws:kms');
      assert.equal(log.SSEKMSKeyId, keyArn);
      const digest = await s3.send(new HeadObjectCommand({ Bucket: 'sealed', Key: digests[0] }));
      assert.notEqual(digest.ServerSideEncryption, 'aws:kms');

      const fail = async (kmsKeyId: string): Promise<string> => {
        try {
          await ct.send(new CreateTrailCommand({ Name: 'never', S3BucketName: 'sealed', KmsKeyId: kmsKeyId }));
        } catch (error) {
          return (error as Error).name;
        }
        return 'no error';
      };
      assert.equal(await fail('0bd4e7a2-1111-4a4a-9c9c-000000000000'), 'KmsKeyNotFoundException');
      const disabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      await kms.send(new DisableKeyCommand({ KeyId: disabled }));
      assert.equal(await fail(disabled), 'KmsKeyDisabledException');
    } finally {
      await cairn.dispose();
    }
  });

  void it('in a local bucket: envelope-encrypted log files that cairn validate-logs reads through KMS', async () => {
    const cairn = await CairnProcess.start(['--auth', 'off', '--kms-endpoint', moto.url, '--delivery-interval', '1'], undefined, CREDS);
    try {
      execFileSync(process.execPath, [CLI, 'buckets', 'create', 'vault', '--data-dir', cairn.dataDir]);
      const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
      const start = new Date(Date.now() - 60_000).toISOString();
      const trailArn = (await ct.send(new CreateTrailCommand({ Name: 'vault', S3BucketName: 'vault', KmsKeyId: keyId, EnableLogFileValidation: true }))).TrailARN!;
      await ct.send(new StartLoggingCommand({ Name: 'vault' }));
      // Calls to record: the events the trail delivers.
      for (let i = 0; i < 3; i++) await ct.send(new DescribeTrailsCommand({}));
      await sleep(1500);
      await ct.send(new StopLoggingCommand({ Name: 'vault' }));
      await waitForDigest(ct, 'vault');
      const bucket = join(cairn.dataDir, 'buckets', 'vault', 'AWSLogs', ACCOUNT);
      const logs = filesUnder(join(bucket, 'CloudTrail'));
      assert.ok(logs.length >= 1);
      for (const file of logs) assert.notDeepEqual([...readFileSync(file).subarray(0, 2)], [0x1f, 0x8b], 'not readable gzip on disk');
      for (const file of filesUnder(join(bucket, 'CloudTrail-Digest'))) assert.deepEqual([...readFileSync(file).subarray(0, 2)], [0x1f, 0x8b], 'digests stay plain');
      const validate = (): Promise<{ code: number; stdout: string; stderr: string }> =>
        new Promise((resolve) => {
          const args = [CLI, 'validate-logs', '--trail-arn', trailArn, '--start-time', start, '--data-dir', cairn.dataDir, '--kms-endpoint', moto.url];
          execFile(process.execPath, args, { env: { ...process.env, ...CREDS } }, (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
          );
        });
      const ok = await validate();
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, new RegExp(`${logs.length}/${logs.length} log files valid`));

      // cairn import of the bucket reads the encrypted log files decrypted, byte for byte; without
      // the KMS endpoint it says what it needs and imports nothing.
      const delivered = new Map<string, string>();
      const recordsIn = new Map<string, number>();
      for (const file of logs) {
        const text = await decryptLocalObject(kms, join(cairn.dataDir, 'buckets'), file);
        const records = (JSON.parse(text) as { Records: { eventID: string }[] }).Records;
        for (const record of records) delivered.set(record.eventID, text);
        recordsIn.set(file, records.length);
      }
      assert.ok(delivered.size >= 3, `the DescribeTrails calls at least: ${delivered.size}`);
      const bucketDir = join(cairn.dataDir, 'buckets', 'vault');
      const importInto = (extra: string[]): { code: number; stdout: string; stderr: string; dataDir: string } => {
        const dataDir = mkdtempSync(join(cairn.dataDir, 'reimport-'));
        const run = spawnSync(process.execPath, [CLI, 'import', bucketDir, '--data-dir', dataDir, ...extra], { env: { ...process.env, ...CREDS }, encoding: 'utf8' });
        return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr, dataDir };
      };
      const blind = importInto([]);
      assert.equal(blind.code, 2, blind.stdout + blind.stderr);
      assert.match(blind.stderr, /encrypted with .*--kms-endpoint/);
      assert.match(blind.stdout, /^imported 0 events/);
      assert.equal((await readEvents(blind.dataDir)).length, 0);
      const keyed = importInto(['--kms-endpoint', moto.url]);
      assert.equal(keyed.code, 0, keyed.stdout + keyed.stderr);
      const imported = await readEvents(keyed.dataDir);
      assert.equal(imported.length, delivered.size, 'every delivered event, and nothing else');
      for (const e of imported) assert.ok(delivered.get(e.eventId)?.includes(e.raw), `${e.eventId} byte for byte`);
      const bytes = readFileSync(logs[0]!);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
      writeFileSync(logs[0]!, bytes);
      const tampered = await validate();
      assert.equal(tampered.code, 1);
      assert.match(tampered.stderr, /INVALID: invalid format/);
      // A modified encrypted file fails authentication whole: none of its records are imported.
      const spoiled = importInto(['--kms-endpoint', moto.url]);
      assert.equal(spoiled.code, 2);
      assert.ok(spoiled.stderr.includes(`skipped ${logs[0]!}: `), spoiled.stderr);
      assert.match(spoiled.stderr, /modified after encryption/);
      assert.equal((await readEvents(spoiled.dataDir)).length, imported.length - recordsIn.get(logs[0]!)!);
    } finally {
      await cairn.dispose();
    }
  });
});
