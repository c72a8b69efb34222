/**
 * Nodes on a shared PostgreSQL store, and the offline commands (`cairn keys`, `cairn import`,
 * `cairn validate-logs`) pointed at the same store with `--store`: two nodes starting at once make
 * one admin key between them; keys made or deleted offline are honoured by every node; imported
 * events are in every node's history; and validate-logs reads the trail's signing keys from PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, LookupEventsCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CREDENTIAL_CACHE_TTL_MS } from '../../src/auth/index.js';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import type { Credentials } from '../support/cairn-process.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';
import type { RecordSpec } from '../support/trail-delivery.js';
import { makeRecord } from '../support/trail-delivery.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUCKET = 'shared-trail';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cairn(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function exported(text: string): Credentials {
  const read = (name: string): string => {
    const value = new RegExp(`^export ${name}=(.*)$`, 'm').exec(text)?.[1];
    assert.ok(value, `${name} in ${text}`);
    return value;
  };
  return { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') };
}

void describe('offline commands and first start on a shared PostgreSQL store', { skip: requirePostgres() }, () => {
  let pg: PostgresServer;
  let url: string;
  let bucketsDir: string;
  const nodes: CairnProcess[] = [];
  const client = (node: CairnProcess, credentials: Credentials): CloudTrailClient => new CloudTrailClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });

  before(async () => {
    pg = await PostgresServer.start({ durable: false });
    url = await pg.createDatabase('offline');
    bucketsDir = mkdtempSync(join(tmpdir(), 'cairn-shared-buckets-'));
    execFileSync(process.execPath, [CLI, 'buckets', 'create', BUCKET, '--buckets-dir', bucketsDir]);
    const args = ['--store', url, '--buckets-dir', bucketsDir, '--delivery-interval', '1', '--digest-interval', '2'];
    // Both start at once on an empty store: neither has seen an admin key.
    nodes.push(...(await Promise.all([CairnProcess.start(args), CairnProcess.start(args)])));
  });

  after(async () => {
    for (const node of nodes) await node.dispose();
    await pg?.stop();
    rmSync(bucketsDir, { recursive: true, force: true });
  });

  void it('makes one admin key when two nodes start at once, and writes it on both', async () => {
    const [a, b] = nodes.map((n) => n.adminCredentials());
    assert.deepEqual(a, b);
    const listed = await cairn(['keys', 'list', '--store', url, '--output', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    const roots = (JSON.parse(listed.stdout) as { Keys: { AccessKeyId: string; AccountId: string; PrincipalType: string }[] }).Keys.filter(
      (k) => k.PrincipalType === 'Root' && k.AccountId === ACCOUNT,
    );
    assert.deepEqual(
      roots.map((k) => k.AccessKeyId),
      [a!.accessKeyId],
    );
    // Exactly one of the two announced that it created the key.
    assert.equal(nodes.filter((n) => n.output.includes('Created an admin access key')).length, 1, nodes.map((n) => n.output).join('\n---\n'));
    // A node starting just after (the key already stored) writes the same key to its own file.
    const late = await CairnProcess.start(['--store', url]);
    try {
      assert.deepEqual(late.adminCredentials(), a);
      assert.ok(!late.output.includes('Created an admin access key'));
    } finally {
      await late.dispose();
    }
  });

  void it('honours keys created and deleted offline with --store (and CAIRN_STORE) on every node (after the credential cache)', async () => {
    const created = await cairn(['keys', 'create', '--user', 'alice', '--store', url]);
    assert.equal(created.code, 0, created.stderr);
    const alice = exported(created.stdout);
    for (const node of nodes) {
      const out = await client(node, alice).send(new LookupEventsCommand({ MaxResults: 1 }));
      assert.equal(out.$metadata.httpStatusCode, 200);
    }
    const deleted = await cairn(['keys', 'delete', alice.accessKeyId], { CAIRN_STORE: url });
    assert.equal(deleted.code, 0, deleted.stderr);
    // Nodes keep a found key in memory for a moment; after that, every node refuses it.
    await sleep(CREDENTIAL_CACHE_TTL_MS + 200);
    for (const node of nodes) {
      await assert.rejects(client(node, alice).send(new LookupEventsCommand({ MaxResults: 1 })), { name: 'UnrecognizedClientException' });
    }
  });

  void it('imports into the shared history: every node finds the imported events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-pg-import-'));
    try {
      const spec: RecordSpec = { account: ACCOUNT, region: REGION, source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false };
      const records = Array.from({ length: 25 }, (_, i) => makeRecord(spec, new Date(Date.now() - 3_600_000 + i * 1000)));
      writeFileSync(join(dir, 'archive.json'), JSON.stringify({ Records: records }));
      const run = await cairn(['import', join(dir, 'archive.json'), '--store', url]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^imported 25 events/);
      const admin = nodes[0]!.adminCredentials();
      const wanted = new Set(records.map((r) => String(r.eventID)));
      for (const node of nodes) {
        const found = new Set<string>();
        let token: string | undefined;
        do {
          const page = await client(node, admin).send(
            new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }], NextToken: token }),
          );
          for (const e of page.Events ?? []) if (wanted.has(e.EventId!)) found.add(e.EventId!);
          token = page.NextToken;
        } while (token);
        assert.equal(found.size, wanted.size, `node ${node.url}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it("validates a trail's digest chain with the signing keys kept in PostgreSQL", async () => {
    const admin = nodes[0]!.adminCredentials();
    const ct = client(nodes[1]!, admin);
    const started = new Date(Date.now() - 60_000).toISOString();
    const trailArn = (await ct.send(new CreateTrailCommand({ Name: 'shared', S3BucketName: BUCKET, EnableLogFileValidation: true }))).TrailARN!;
    await ct.send(new StartLoggingCommand({ Name: 'shared' }));
    for (let i = 0; i < 20; i++) await client(nodes[i % 2]!, admin).send(new GetTrailStatusCommand({ Name: 'shared' }));
    await sleep(2500);
    await ct.send(new StopLoggingCommand({ Name: 'shared' }));
    const waitFrom = Date.now();
    for (;;) {
      const s = await ct.send(new GetTrailStatusCommand({ Name: 'shared' }));
      if (s.LatestDigestDeliveryTime && s.StopLoggingTime && s.LatestDigestDeliveryTime >= s.StopLoggingTime) break;
      assert.ok(Date.now() - waitFrom < 30_000, 'the final digest is delivered');
      await sleep(200);
    }
    // A fresh data directory: the only place the keys can come from is the PostgreSQL store.
    const emptyDir = mkdtempSync(join(tmpdir(), 'cairn-empty-'));
    try {
      const run = await cairn(['validate-logs', '--trail-arn', trailArn, '--start-time', started, '--store', url, '--buckets-dir', bucketsDir, '--data-dir', emptyDir]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const summary = /\n(\d+)\/(\d+) digest files valid\n(\d+)\/(\d+) log files valid\n$/.exec(run.stdout);
      assert.ok(summary, run.stdout);
      assert.ok(Number(summary[1]) >= 1 && summary[1] === summary[2], run.stdout);
      assert.ok(Number(summary[3]) >= 1 && summary[3] === summary[4], run.stdout);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
