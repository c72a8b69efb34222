import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KmsKeyService, LocalDirectoryBuckets } from '../../src/buckets/index.js';
import { CLI } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { countBy } from './support.js';
import type { ArchiveObject } from './trail-archive.js';
import { eventsOf, flaws2Objects, noiseObjects, stratusObjects } from './trail-archive.js';

// `cairn query --archive` over a trail archive in S3 (moto; half the files SSE-KMS encrypted) and
// over a local bucket whose log files are envelope-encrypted with a KMS key (moto KMS). Expected
// values are computed here from the archive's files.

const missing = requireProgram('moto_server', ['--help']);
const REGION = 'us-east-1';
const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: REGION };
const SQL = 'SELECT eventsource, count(*) AS n FROM cloudtrail_logs GROUP BY eventsource';

function cairn(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...CREDS } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function counts(stdout: string): Record<string, number> {
  const rows = JSON.parse(stdout) as { eventsource: string; n: string }[];
  const pairs: [string, number][] = rows.map((x) => [x.eventsource, Number(x.n)]);
  return Object.fromEntries(pairs.sort(([a], [b]) => a.localeCompare(b)));
}

void describe('cairn query --archive over S3 and encrypted files', { skip: missing }, () => {
  let moto: MotoServer;
  let keyId: string;
  let logs: ArchiveObject[];
  let scratch: string;

  before(async () => {
    // The local bucket below takes its KMS credentials from the environment, as Cairn does.
    Object.assign(process.env, CREDS);
    moto = await MotoServer.start();
    scratch = mkdtempSync(join(tmpdir(), 'cairn-archive-test-'));
    const kms = new KMSClient({ endpoint: moto.url, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    logs = [...stratusObjects(), ...flaws2Objects()];
  });

  after(async () => {
    await moto?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  void it('reads s3://bucket/prefix from the S3 endpoint, SSE-KMS objects included', async () => {
    const s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'athena-archive' }));
    const prefixed = logs.map((o) => ({ ...o, key: `org/${o.key}` }));
    for (const [i, o] of [...prefixed, ...noiseObjects('org/', '123456789012')].entries()) {
      const sse = i % 2 === 0 ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: keyId } : {};
      await s3.send(new PutObjectCommand({ Bucket: 'athena-archive', Key: o.key, Body: o.body, ...sse }));
    }
    // A file outside the prefix is not read.
    await s3.send(new PutObjectCommand({ Bucket: 'athena-archive', Key: `other/${logs[0]!.key}`, Body: logs[0]!.body }));
    const r = cairn(['query', SQL, '--archive', 's3://athena-archive/org/', '--s3-endpoint', moto.url, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(counts(r.stdout), countBy(eventsOf(logs), (e) => e.eventSource));
    // A time window, as in Athena's documentation (eventtime is the ISO string).
    const times = eventsOf(logs)
      .map((e) => e.eventTime)
      .sort((a, b) => a - b);
    const from = new Date(times[Math.floor(times.length / 3)]!).toISOString().slice(0, 19) + 'Z';
    const windowed = cairn(['query', `SELECT count(*) AS n FROM cloudtrail_logs WHERE eventtime >= '${from}'`, '--archive', 's3://athena-archive/org', '--s3-endpoint', moto.url, '--output', 'json']);
    assert.equal(windowed.code, 0, windowed.stderr);
    const expected = eventsOf(logs).filter((e) => new Date(e.eventTime).toISOString().slice(0, 19) + 'Z' >= from).length;
    assert.deepEqual(JSON.parse(windowed.stdout), [{ n: String(expected) }]);
    const noBucket = cairn(['query', SQL, '--archive', 's3://no-such-bucket/', '--s3-endpoint', moto.url]);
    assert.notEqual(noBucket.code, 0);
    assert.match(noBucket.stderr, /NoSuchBucket|does not exist/);
  });

  void it('reads log files envelope-encrypted in a local bucket, with --kms-endpoint', async () => {
    const root = join(scratch, 'buckets');
    const buckets = new LocalDirectoryBuckets(root, new KmsKeyService({ endpoint: moto.url, region: REGION }));
    await buckets.createBucket('vault');
    for (const o of logs) await buckets.putObject('vault', o.key, o.body, { kmsKeyId: keyId });
    const keyed = cairn(['query', SQL, '--archive', join(root, 'vault'), '--kms-endpoint', moto.url, '--output', 'json']);
    assert.equal(keyed.code, 0, keyed.stderr);
    assert.deepEqual(counts(keyed.stdout), countBy(eventsOf(logs), (e) => e.eventSource));
    // Without the KMS endpoint no encrypted file is read, and it says what it needs.
    const blind = cairn(['query', SQL, '--archive', join(root, 'vault'), '--output', 'json']);
    assert.equal(blind.code, 0, blind.stderr);
    assert.deepEqual(JSON.parse(blind.stdout), []);
    assert.match(blind.stderr, /--kms-endpoint/);
  });
});
