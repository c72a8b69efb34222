import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CloudTrailServiceException, DescribeQueryCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import { CairnProcess } from '../support/cairn-process.js';
import { fixtureEvents, importFixtures, stratusFiles } from '../support/fixture-events.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { allRows, countBy, waitForQuery } from './support.js';

// StartQuery with DeliveryS3Uri against `cairn serve --s3-endpoint <moto>`: the results land in the
// bucket as gzip CSV where AWS puts them, and their rows are GetQueryResults' rows.

const missing = requireProgram('moto_server', ['--help']) || requireProgram('aws');
const ACCOUNT = '017622104382';
const REGION = 'us-east-1';
const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: REGION };

/** RFC 4180 CSV, written independently of Cairn's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

void describe('query results delivered to a bucket (DeliveryS3Uri)', { skip: missing }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let cairn: CairnProcess;
  let ct: CloudTrailClient;
  let cutoff: string;

  before(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ endpoint: moto.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'lake-results' }));
    cairn = await CairnProcess.start(['--auth', 'off', '--s3-endpoint', moto.url, '--lake-interval', '1'], undefined, CREDS);
    ct = new CloudTrailClient({ endpoint: cairn.url, region: REGION, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    importFixtures(cairn.dataDir, stratusFiles());
    const last = Math.max(...stratusFiles().flatMap(fixtureEvents).map((e) => e.eventTime));
    cutoff = new Date(last + 1000).toISOString().replace('T', ' ').slice(0, 19);
  });

  after(async () => {
    await cairn?.dispose();
    await moto?.stop();
  });

  async function delivered(queryId: string): Promise<{ status: string; uri?: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = await ct.send(new DescribeQueryCommand({ QueryId: queryId }));
      if (d.DeliveryStatus !== 'PENDING') return { status: d.DeliveryStatus ?? '', ...(d.DeliveryS3Uri ? { uri: d.DeliveryS3Uri } : {}) };
      assert.ok(Date.now() < deadline, `delivery of ${queryId} still PENDING`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  void it('writes the finished results as result_1.csv.gz under AWSLogs/<account>/CloudTrail-Lake/Query/<date>/<queryId>/', async () => {
    const sql = `SELECT eventSource, eventName, COUNT(*) AS n FROM event_history WHERE eventTime < '${cutoff}' GROUP BY eventSource, eventName ORDER BY eventSource, eventName`;
    // Wait until the history holds the imported fixtures (ingestion runs every second).
    const expected = countBy(
      stratusFiles()
        .flatMap(fixtureEvents)
        .filter((e) => e.accountId === ACCOUNT),
      (e) => `${e.eventSource}|${e.eventName}`,
    );
    let queryId = '';
    for (let attempt = 0; ; attempt++) {
      queryId = (await ct.send(new StartQueryCommand({ QueryStatement: sql, DeliveryS3Uri: 's3://lake-results/team/exports/' }))).QueryId!;
      assert.equal(await waitForQuery(ct, queryId), 'FINISHED');
      const rows = await allRows(ct, queryId);
      const got = Object.fromEntries(rows.map((r) => [`${r.eventSource}|${r.eventName}`, Number(r.n)]));
      if (JSON.stringify(got) === JSON.stringify(expected)) break;
      assert.ok(attempt < 30, `event_history holds ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const outcome = await delivered(queryId);
    assert.deepEqual(outcome, { status: 'SUCCESS', uri: 's3://lake-results/team/exports/' });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake-results', Prefix: 'team/exports/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(queryId));
    assert.equal(keys.length, 1, keys.join(', '));
    assert.match(keys[0]!, new RegExp(`^team/exports/AWSLogs/${ACCOUNT}/CloudTrail-Lake/Query/\\d{4}/\\d{2}/\\d{2}/${queryId}/result_1\\.csv\\.gz$`));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'lake-results', Key: keys[0] }));
    const csv = parseCsv(gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8'));
    const rows = await allRows(ct, queryId);
    assert.deepEqual(csv[0], ['eventSource', 'eventName', 'n']);
    assert.deepEqual(
      csv.slice(1),
      rows.map((r) => [r.eventSource, r.eventName, r.n]),
    );
  });

  void it('rejects a bucket that does not exist, and reports the delivery through the AWS CLI', async () => {
    await assert.rejects(ct.send(new StartQueryCommand({ QueryStatement: 'SELECT 1 AS one FROM event_history', DeliveryS3Uri: 's3://no-such-results/' })), (error: unknown) => {
      assert.ok(error instanceof CloudTrailServiceException);
      assert.equal(error.name, 'S3BucketDoesNotExistException');
      return true;
    });
    await assert.rejects(ct.send(new StartQueryCommand({ QueryStatement: 'SELECT 1 AS one FROM event_history', DeliveryS3Uri: 'https://x/' })), (error: unknown) => {
      assert.ok(error instanceof CloudTrailServiceException);
      assert.equal(error.name, 'InvalidParameterException');
      return true;
    });
    const driver = AwsCliDriver.start();
    try {
      const env = { AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };
      const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => driver.run(['cloudtrail', ...args, '--endpoint-url', cairn.url, '--output', 'json'], env);
      const started = await run(['start-query', '--query-statement', `SELECT eventName FROM event_history WHERE eventTime < '${cutoff}' LIMIT 3`, '--delivery-s3-uri', 's3://lake-results']);
      assert.equal(started.code, 0, started.stderr);
      const { QueryId } = JSON.parse(started.stdout) as { QueryId: string };
      assert.equal(await waitForQuery(ct, QueryId), 'FINISHED');
      assert.equal((await delivered(QueryId)).status, 'SUCCESS');
      const described = await run(['describe-query', '--query-id', QueryId]);
      assert.equal(described.code, 0, described.stderr);
      const d = JSON.parse(described.stdout) as { DeliveryS3Uri: string; DeliveryStatus: string };
      assert.deepEqual([d.DeliveryS3Uri, d.DeliveryStatus], ['s3://lake-results', 'SUCCESS']);
      const key = (await s3.send(new ListObjectsV2Command({ Bucket: 'lake-results', Prefix: `AWSLogs/${ACCOUNT}/CloudTrail-Lake/Query/` }))).Contents?.find((o) => o.Key?.includes(QueryId))?.Key;
      assert.ok(key?.endsWith(`/${QueryId}/result_1.csv.gz`), key);
      const failed = await run(['start-query', '--query-statement', 'SELECT 1 AS one FROM event_history', '--delivery-s3-uri', 's3://no-such-results/x']);
      assert.equal(failed.code, 255);
      assert.match(failed.stderr, /\(S3BucketDoesNotExistException\) when calling the StartQuery operation/);
    } finally {
      await driver.stop();
    }
  });
});
