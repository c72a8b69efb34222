/**
 * Three `cairn serve` nodes on one PostgreSQL with the Lake in one S3 bucket (moto): an event data
 * store made on one node is queried on the others with the same answers; the node holding the
 * `lake-ingest` lease is killed with SIGKILL while clients keep writing; another node takes the
 * lease within seconds, new events become queryable, and the store holds exactly the events of
 * the history it selects, none twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, CreateEventDataStoreCommand, ListTrailsCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { LEASE_NAMESPACE, leaseKey } from '../../src/coordination/index.js';
import { INGEST_LEASE } from '../../src/lake/index.js';
import { CairnProcess } from '../support/cairn-process.js';
import type { Credentials } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';
import { requireProgram } from '../support/programs.js';
import { runQuery } from '../lake/support.js';

const REGION = 'us-east-1';
const BUCKET = 'cluster-lake';
const S3_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requirePostgres() || requireProgram('moto_server', ['--help']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('the Lake in S3 under three Cairn nodes on one PostgreSQL', { skip: missing }, () => {
  let pg: PostgresServer;
  let database: string;
  let moto: MotoServer;
  let s3: S3Client;
  const nodes: CairnProcess[] = [];
  let credentials: Credentials;
  let storeId: string;
  let killed: CairnProcess | undefined;
  /** requestIDs of ListTrails calls a node answered: acknowledged, so recorded. */
  const acknowledged: string[] = [];

  const client = (node: CairnProcess): CloudTrailClient => new CloudTrailClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });
  const live = (): CairnProcess[] => nodes.filter((n) => n !== killed);

  /** The pid of the node holding the ingestion lease (its lease connection is named cairn-leases-<pid>). */
  async function ingestHolder(): Promise<number | undefined> {
    const { rows } = await pg.query(
      database,
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid::int = ${LEASE_NAMESPACE} AND l.objid::int = ${leaseKey(INGEST_LEASE)}`,
    );
    const name = (rows[0] as { name?: string } | undefined)?.name;
    return name ? Number(name.replace('cairn-leases-', '')) : undefined;
  }

  /** ListTrails calls spread over the live nodes; each acknowledged one is an event the store selects. */
  async function write(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const targets = live();
      try {
        const out = await client(targets[i % targets.length]!).send(new ListTrailsCommand({}));
        acknowledged.push(out.$metadata.requestId!);
      } catch {
        // Not acknowledged (its node died under the call): nothing is promised about it.
      }
    }
  }

  /** The store's ListTrails events as one node answers: total, distinct eventIDs, requestIDs. */
  async function storeEvents(node: CairnProcess): Promise<{ total: number; distinct: number; requestIds: Set<string> }> {
    const counts = await runQuery(client(node), `SELECT count(*) AS n, count(DISTINCT eventID) AS d FROM ${storeId} WHERE eventName = 'ListTrails'`);
    const ids = await runQuery(client(node), `SELECT requestID FROM ${storeId} WHERE eventName = 'ListTrails'`);
    return { total: Number(counts[0]!.n), distinct: Number(counts[0]!.d), requestIds: new Set(ids.map((r) => r.requestID!)) };
  }

  /** Polls a node until the store holds every acknowledged call (ingestion runs every second). */
  async function waitForStore(node: CairnProcess, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { requestIds } = await storeEvents(node);
      if (acknowledged.every((id) => requestIds.has(id))) return;
      assert.ok(Date.now() < deadline, `${what}: ${acknowledged.filter((id) => !requestIds.has(id)).length} acknowledged events not queryable after 60 s`);
      await sleep(500);
    }
  }

  before(async () => {
    pg = await PostgresServer.start({ durable: false });
    const url = await pg.createDatabase('lake');
    database = url.split('/').at(-1)!;
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: S3_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const args = ['--store', url, '--lake-s3', `s3://${BUCKET}/lake`, '--lake-s3-endpoint', moto.url, '--lake-interval', '1', '--lake-cache-mb', '4'];
    const env = { AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey };
    nodes.push(await CairnProcess.start(args, undefined, env));
    credentials = nodes[0]!.adminCredentials();
    nodes.push(...(await Promise.all([CairnProcess.start(args, undefined, env), CairnProcess.start(args, undefined, env)])));
  });

  after(async () => {
    for (const node of nodes) await node.dispose();
    await moto?.stop();
    await pg?.stop();
  });

  void it('a store made on one node answers the same on the others, from objects in S3', async () => {
    const made = await client(nodes[0]!).send(new CreateEventDataStoreCommand({ Name: 'cluster-store' }));
    storeId = made.EventDataStoreArn!.split('/').at(-1)!;
    await write(60);
    await waitForStore(nodes[1]!, 'node B');
    const b = await storeEvents(nodes[1]!);
    const c = await storeEvents(nodes[2]!);
    assert.equal(b.total, acknowledged.length);
    assert.equal(b.distinct, b.total, 'no event twice');
    assert.deepEqual(c, b, 'node C answers as node B');
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `lake/stores/${storeId}/day=` }));
    assert.ok((objects.KeyCount ?? 0) > 0, 'the store is in the bucket');
    assert.ok(await ingestHolder(), 'one node holds the ingestion lease');
  });

  void it('moves ingestion to another node within seconds of a SIGKILL, losing and doubling nothing', async (t) => {
    const holder = await ingestHolder();
    killed = nodes.find((n) => n.pid === holder);
    assert.ok(killed, `a node holds ${INGEST_LEASE} (holder pid ${holder})`);
    // Clients keep writing through the kill (calls to the dying node may fail: not acknowledged).
    const writing = write(80);
    await sleep(300);
    await killed.kill();
    const killedAt = Date.now();
    let takeoverMs = Infinity;
    for (;;) {
      const next = await ingestHolder();
      if (next !== undefined && next !== holder) {
        takeoverMs = Date.now() - killedAt;
        break;
      }
      assert.ok(Date.now() - killedAt < 15_000, 'another node takes ingestion over within 15 s');
      await sleep(100);
    }
    await writing;
    await write(30);
    t.diagnostic(`ingestion taken over ${takeoverMs} ms after the SIGKILL; ${acknowledged.length} acknowledged events`);
    const [b, c] = live();
    await waitForStore(b!, 'after the kill');
    const fromB = await storeEvents(b!);
    assert.equal(fromB.distinct, fromB.total, 'no event twice in the store');
    assert.deepEqual(await storeEvents(c!), fromB, 'both survivors answer the same');
    // Exactly the history's ListTrails events since the store was made (calls cut off by the kill may be committed too).
    const history = new Set<string>();
    let token: string | undefined;
    do {
      const out = await client(b!).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListTrails' }], MaxResults: 50, NextToken: token }));
      for (const e of out.Events ?? []) history.add(String((JSON.parse(e.CloudTrailEvent ?? '{}') as { requestID?: string }).requestID));
      token = out.NextToken;
    } while (token);
    assert.deepEqual([...history].filter((id) => !fromB.requestIds.has(id)), [], 'history events missing from the store');
    assert.deepEqual([...fromB.requestIds].filter((id) => !history.has(id)), [], 'store events not in the history');
    assert.equal(fromB.total, history.size);
  });
});
