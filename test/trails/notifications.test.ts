import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { freePort, MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { listKeys } from '../support/trail-delivery.js';

// A notification per delivery, shaped as CloudTrail's SNS message: through moto's SNS (which posts it
// on to an HTTP subscriber here) and through a webhook.

const CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requireProgram('moto_server', ['--help']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An HTTP endpoint that keeps every JSON body posted to it. */
async function receiver(): Promise<{ server: Server; url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // Not JSON: not a notification.
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
}

async function waitForNotification(bodies: Record<string, unknown>[]): Promise<{ TopicArn: string; message: { s3Bucket: string; s3ObjectKey: string[] } }> {
  for (let i = 0; i < 100; i++) {
    const found = bodies.find((b) => b.Type === 'Notification');
    if (found) return { TopicArn: String(found.TopicArn), message: JSON.parse(String(found.Message)) as { s3Bucket: string; s3ObjectKey: string[] } };
    await sleep(200);
  }
  assert.fail(`no notification arrived: ${JSON.stringify(bodies)}`);
}

void describe('delivery notifications', () => {
  void it('publishes to an SNS topic on moto, with LatestNotificationTime in the status', { skip: missing }, async () => {
    const moto = await MotoServer.start();
    const hook = await receiver();
    let cairn: CairnProcess | undefined;
    try {
      const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDS });
      await s3.send(new CreateBucketCommand({ Bucket: 'notified' }));
      const sns = new SNSClient({ endpoint: moto.url, region: 'us-east-1', credentials: CREDS });
      const topic = await sns.send(new CreateTopicCommand({ Name: 'trail-deliveries' }));
      await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'http', Endpoint: hook.url }));
      cairn = await CairnProcess.start(['--auth', 'off', '--s3-endpoint', moto.url, '--sns-endpoint', moto.url, '--delivery-interval', '1'], undefined, {
        AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      });
      const account = topic.TopicArn!.split(':')[4]!;
      const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: account, secretAccessKey: 'x' } });
      await ct.send(new CreateTrailCommand({ Name: 'noisy', S3BucketName: 'notified', SnsTopicName: 'trail-deliveries' }));
      await ct.send(new StartLoggingCommand({ Name: 'noisy' }));
      const { TopicArn, message } = await waitForNotification(hook.bodies);
      assert.equal(TopicArn, topic.TopicArn);
      assert.equal(message.s3Bucket, 'notified');
      assert.ok(message.s3ObjectKey.length >= 1);
      const stored = await listKeys(s3, 'notified', 'AWSLogs/');
      for (const key of message.s3ObjectKey) assert.ok(stored.includes(key), `${key} was written before it was announced`);
      const status = await ct.send(new GetTrailStatusCommand({ Name: 'noisy' }));
      assert.ok(status.LatestNotificationTime instanceof Date);
      assert.equal(status.LatestNotificationError, undefined);
    } finally {
      await cairn?.dispose();
      hook.server.close();
      await moto.stop();
    }
  });

  void describe('through a webhook, for a local bucket', () => {
    let cairn: CairnProcess;
    let hook: Awaited<ReturnType<typeof receiver>>;
    before(async () => {
      hook = await receiver();
      const dataDir = mkdtempSync(join(tmpdir(), 'cairn-webhook-'));
      execFileSync(process.execPath, [CLI, 'buckets', 'create', 'hooked', '--data-dir', dataDir]);
      cairn = await CairnProcess.start(['--auth', 'off', '--notify-webhook', hook.url, '--delivery-interval', '1'], dataDir);
    });
    after(async () => {
      await cairn?.dispose();
      hook?.server.close();
    });

    void it('posts the SNS-shaped message for each delivery', async () => {
      const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'eu-west-1', credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } });
      await ct.send(new CreateTrailCommand({ Name: 'hooked', S3BucketName: 'hooked', SnsTopicName: 'alerts', S3KeyPrefix: 'p' }));
      await ct.send(new StartLoggingCommand({ Name: 'hooked' }));
      const { TopicArn, message } = await waitForNotification(hook.bodies);
      assert.equal(TopicArn, 'arn:aws:sns:eu-west-1:444455556666:alerts');
      assert.equal(message.s3Bucket, 'hooked');
      assert.match(message.s3ObjectKey[0]!, /^p\/AWSLogs\/444455556666\/CloudTrail\/eu-west-1\//);
    });
  });

  void it('shows a failed notification in GetTrailStatus without holding delivery back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-webhook-down-'));
    execFileSync(process.execPath, [CLI, 'buckets', 'create', 'unheard', '--data-dir', dataDir]);
    const nobody = `http://127.0.0.1:${await freePort()}/`;
    const cairn = await CairnProcess.start(['--auth', 'off', '--notify-webhook', nobody, '--delivery-interval', '1'], dataDir);
    try {
      const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } });
      await ct.send(new CreateTrailCommand({ Name: 'unheard', S3BucketName: 'unheard', SnsTopicName: 'alerts' }));
      await ct.send(new StartLoggingCommand({ Name: 'unheard' }));
      let status = await ct.send(new GetTrailStatusCommand({ Name: 'unheard' }));
      for (let i = 0; i < 100 && !status.LatestNotificationError; i++) {
        await sleep(100);
        status = await ct.send(new GetTrailStatusCommand({ Name: 'unheard' }));
      }
      assert.equal(status.LatestNotificationError, 'ECONNREFUSED');
      assert.equal(status.LatestNotificationTime, undefined);
      assert.ok(status.LatestDeliveryTime instanceof Date, 'the log file was delivered all the same');
      assert.match(status.LatestNotificationAttemptTime ?? '', /^\d{4}-\d\d-\d\dT/);
    } finally {
      await cairn.dispose();
    }
  });
});
