/**
 * Three `cairn serve` nodes on one PostgreSQL and one S3 (moto). Clients spread recorded calls and
 * LookupEvents over all three; the node delivering the trail is killed with SIGKILL while it
 * delivers. Afterwards: every acknowledged event is in the history once, every event the trail
 * selects is in exactly one delivered log file, and the stock `aws cloudtrail validate-logs`
 * accepts the whole digest chain.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Event } from '@aws-sdk/client-cloudtrail';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { LEASE_NAMESPACE, leaseKey } from '../../src/coordination/index.js';
import { CairnProcess } from '../support/cairn-process.js';
import type { Credentials } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';
import { requireProgram } from '../support/programs.js';
import { eventIdCounts, readLogFiles } from '../support/trail-delivery.js';

const REGION = 'us-east-1';
const BUCKET = 'cluster-trail';
const S3_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requirePostgres() || requireProgram('moto_server', ['--help']) || requireProgram('aws');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('three Cairn nodes on one PostgreSQL and one S3', { skip: missing }, () => {
  let pg: PostgresServer;
  let database: string;
  let moto: MotoServer;
  let s3: S3Client;
  const nodes: CairnProcess[] = [];
  let credentials: Credentials;
  let trailArn: string;
  let startTime: number;
  /** requestIDs of calls a node answered with success: acknowledged, so recorded. */
  const acknowledged: string[] = [];
  let killed: CairnProcess | undefined;
  /** Every event LookupEvents returned after the run. */
  const history: Event[] = [];
  let stopRequestedAt = 0;
  let takeoverMs = Infinity;

  const client = (node: CairnProcess): CloudTrailClient => new CloudTrailClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });
  const live = (): CairnProcess[] => nodes.filter((n) => n !== killed);

  /** The pid of the node holding a lease (its lease connection is named cairn-leases-<pid>). */
  async function leaseHolder(job: string): Promise<number | undefined> {
    const { rows } = await pg.query(
      database,
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid::int = ${LEASE_NAMESPACE} AND l.objid::int = ${leaseKey(job)}`,
    );
    const name = (rows[0] as { name?: string } | undefined)?.name;
    return name ? Number(name.replace('cairn-leases-', '')) : undefined;
  }

  before(async () => {
    pg = await PostgresServer.start({ durable: false });
    const url = await pg.createDatabase('cluster');
    database = url.split('/').at(-1)!;
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: S3_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const args = ['--store', url, '--s3-endpoint', moto.url, '--delivery-interval', '1', '--digest-interval', '3'];
    const env = { AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey };
    // The first node makes the admin key (kept in PostgreSQL, so every node accepts it).
    nodes.push(await CairnProcess.start(args, undefined, env));
    credentials = nodes[0]!.adminCredentials();
    nodes.push(...(await Promise.all([CairnProcess.start(args, undefined, env), CairnProcess.start(args, undefined, env)])));

    trailArn = (await client(nodes[1]!).send(new CreateTrailCommand({ Name: 'cluster', S3BucketName: BUCKET, EnableLogFileValidation: true }))).TrailARN!;
    startTime = Math.floor(Date.now() / 1000) - 60;
    await client(nodes[2]!).send(new StartLoggingCommand({ Name: 'cluster' }));
    const { rows } = await pg.query(database, 'SELECT id FROM trails');
    const job = `trail:${(rows[0] as { id: string }).id}`;

    // Four clients, each sending to the nodes in turn; a refused call goes to the next node (a new call).
    let writing = true;
    const writer = async (w: number): Promise<void> => {
      for (let i = w; writing; i++) {
        const targets = live();
        const node = targets[i % targets.length]!;
        const ct = client(node);
        const calls = [
          () => ct.send(new DescribeTrailsCommand({})),
          () => ct.send(new GetTrailStatusCommand({ Name: 'cluster' })),
          () => ct.send(new ListTrailsCommand({})),
          () => ct.send(new LookupEventsCommand({ MaxResults: 5 })),
        ];
        try {
          const out = await calls[i % calls.length]!();
          acknowledged.push(out.$metadata.requestId!);
        } catch {
          // Not acknowledged (the node died under the call): nothing is promised about it.
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    try {
      // Let the lease holder deliver (log files every second), then kill it while writes and deliveries go on.
      const waitStarted = Date.now();
      while (!(await client(nodes[0]!).send(new GetTrailStatusCommand({ Name: 'cluster' }))).LatestDeliveryTime) {
        assert.ok(Date.now() - waitStarted < 30_000, 'the trail delivers within 30 s');
        await sleep(200);
      }
      await sleep(2500);
      // The chain must span the kill: a digest signed by the first holder, then ones by its successor.
      while (!(await client(nodes[0]!).send(new GetTrailStatusCommand({ Name: 'cluster' }))).LatestDigestDeliveryTime) {
        assert.ok(Date.now() - waitStarted < 45_000, 'the trail delivers a digest within 45 s');
        await sleep(200);
      }
      const holder = await leaseHolder(job);
      killed = nodes.find((n) => n.pid === holder);
      assert.ok(killed, `a node holds ${job} (holder pid ${holder})`);
      await killed.kill();
      const killedAt = Date.now();
      for (;;) {
        const next = await leaseHolder(job);
        if (next !== undefined && next !== holder) break;
        assert.ok(Date.now() - killedAt < 15_000, 'another node takes the trail over');
        await sleep(100);
      }
      takeoverMs = Date.now() - killedAt;
      await sleep(4000);
      const survivorDigest = async (): Promise<number> =>
        (await client(live()[0]!).send(new GetTrailStatusCommand({ Name: 'cluster' }))).LatestDigestDeliveryTime?.getTime() ?? 0;
      while ((await survivorDigest()) <= killedAt) {
        assert.ok(Date.now() - killedAt < 45_000, 'the new holder signs a digest');
        await sleep(200);
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }

    const survivor = client(live()[0]!);
    stopRequestedAt = Date.now();
    await survivor.send(new StopLoggingCommand({ Name: 'cluster' }));
    for (let i = 0; i < 150; i++) {
      const s = await survivor.send(new GetTrailStatusCommand({ Name: 'cluster' }));
      if (s.LatestDigestDeliveryTime && s.StopLoggingTime && s.LatestDigestDeliveryTime >= s.StopLoggingTime) break;
      await sleep(200);
    }
  });

  after(async () => {
    for (const node of nodes) await node.dispose();
    await moto?.stop();
    await pg?.stop();
  });

  void it('moves the trail to another node within seconds of a SIGKILL', (t) => {
    t.diagnostic(`${acknowledged.length} acknowledged calls; trail taken over ${takeoverMs} ms after the SIGKILL`);
    assert.ok(killed, 'a node was killed');
    assert.ok(takeoverMs < 15_000, `takeover took ${takeoverMs} ms`);
    assert.ok(acknowledged.length > 100, `the clients made ${acknowledged.length} calls`);
  });

  void it('has every acknowledged event in the history exactly once, looked up through any node', async () => {
    const seen = new Map<string, number>();
    const nodesLeft = live();
    let token: string | undefined;
    let page = 0;
    do {
      // Page on alternating nodes: page tokens are signed with a key every node shares.
      const out = await client(nodesLeft[page++ % nodesLeft.length]!).send(new LookupEventsCommand({ MaxResults: 50, NextToken: token }));
      history.push(...(out.Events ?? []));
      for (const event of out.Events ?? []) {
        const requestId = requestIdOf(event);
        seen.set(requestId, (seen.get(requestId) ?? 0) + 1);
      }
      token = out.NextToken;
    } while (token);
    const missingIds = acknowledged.filter((id) => !seen.has(id));
    assert.deepEqual(missingIds, [], 'acknowledged calls missing from the history');
    assert.deepEqual([...seen].filter(([, n]) => n > 1), [], 'no event twice');
  });

  void it('delivers every event the trail selected in exactly one log file', async () => {
    const files = await readLogFiles(s3, BUCKET, 'AWSLogs/');
    const logs = files.filter((f) => f.key.includes('/CloudTrail/'));
    assert.ok(logs.length >= 3, `log files: ${logs.length}`);
    const counts = eventIdCounts(logs);
    assert.deepEqual([...counts].filter(([, n]) => n !== 1), [], 'no event in two files');
    const delivered = new Set(logs.flatMap((f) => f.records.map((r) => String(r.requestID))));
    // Every call acknowledged between StartLogging and StopLogging is a management event the trail logs.
    assert.deepEqual(acknowledged.filter((id) => !delivered.has(id)), [], 'acknowledged events missing from the delivered files');
    // So is every call committed before StopLogging, acknowledged or not (calls cut off by the SIGKILL
    // may be committed): everything in the history from whole seconds before StopLogging, but CreateTrail.
    const deliveredIds = new Set(counts.keys());
    const stopSecond = Math.floor(stopRequestedAt / 1000) * 1000;
    const selected = history.filter((e) => e.EventName !== 'CreateTrail' && e.EventTime!.getTime() < stopSecond);
    assert.ok(selected.length > 100, `${selected.length} events before StopLogging`);
    assert.deepEqual(selected.filter((e) => !deliveredIds.has(e.EventId!)).map((e) => `${e.EventName} ${e.EventTime?.toISOString()}`), [], 'history events missing from the delivered files');
  });

  void it('the stock aws cloudtrail validate-logs reports the whole digest chain valid', async () => {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
      AWS_ENDPOINT_URL_S3: moto.url,
    };
    const start = new Date(startTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('aws', ['cloudtrail', 'validate-logs', '--endpoint-url', live()[0]!.url, '--trail-arn', trailArn, '--start-time', start, '--verbose'], { env }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const digests = /(\d+)\/(\d+) digest files valid/.exec(run.stdout);
    const logs = /(\d+)\/(\d+) log files valid/.exec(run.stdout);
    // One before the kill, at least one by the new holder, the final one after StopLogging.
    assert.ok(digests && digests[1] === digests[2] && Number(digests[1]) >= 3, run.stdout);
    assert.ok(logs && logs[1] === logs[2] && Number(logs[1]) >= 3, run.stdout);
    assert.doesNotMatch(run.stdout + run.stderr, /INVALID/);
  });
});

function requestIdOf(event: Event): string {
  return String((JSON.parse(event.CloudTrailEvent ?? '{}') as { requestID?: string }).requestID);
}
