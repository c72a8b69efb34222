import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { isAwsError } from '../api/index.js';
import type { Credential } from '../store/index.js';
import { verifySigV4 } from './index.js';

// Real clients over real HTTP: the JS SDK, boto3 and the AWS CLI call a node server that verifies.

const run = promisify(execFile);
const KEY: Credential = {
  accessKeyId: 'AKIAHTTPTEST00000001',
  secretAccessKey: 'aHR0cC10ZXN0LXNlY3JldC1rZXktMDAwMDAwMDAw',
  accountId: '111122223333',
  principalType: 'Root',
  createdAt: 0,
};
const lookup = (id: string): Promise<Credential | undefined> => Promise.resolve(id === KEY.accessKeyId ? KEY : undefined);

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

void describe('verifySigV4 behind node:http, called by real clients', () => {
  let server: Server;
  let endpoint = '';
  const seen: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        try {
          const caller = await verifySigV4(
            { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct, body },
            lookup,
            { now: Date.now() },
          );
          seen.push(`${caller.accessKeyId} ${caller.region} ${caller.service}`);
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"Events":[]}');
        } catch (e) {
          const [code, message] = isAwsError(e) ? [e.code, e.message] : ['InternalFailure', String(e)];
          res.writeHead(isAwsError(e) ? e.status : 500, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: code, message }));
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (secretAccessKey: string, accessKeyId = KEY.accessKeyId): CloudTrailClient =>
    new CloudTrailClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

  void it('accepts @aws-sdk/client-cloudtrail and rejects it with a wrong secret or unknown key', async () => {
    const out = await client(KEY.secretAccessKey).send(new LookupEventsCommand({ MaxResults: 5 }));
    assert.deepEqual(out.Events, []);
    assert.equal(seen.at(-1), `${KEY.accessKeyId} eu-west-1 cloudtrail`);
    await assert.rejects(client('wrong').send(new LookupEventsCommand({})), { name: 'InvalidSignatureException' });
    await assert.rejects(client(KEY.secretAccessKey, 'AKIANOTKNOWN00000000').send(new LookupEventsCommand({})), {
      name: 'UnrecognizedClientException',
    });
  });

  const pyEnv = (secret: string): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_DEFAULT_REGION: 'ap-south-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const BOTO = `
import sys, boto3, botocore.exceptions
c = boto3.client('cloudtrail', endpoint_url=sys.argv[1])
try:
    print(len(c.lookup_events(MaxResults=3)['Events']))
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])
`;

  void it('accepts boto3 and rejects it with a wrong secret', async () => {
    const ok = await run('python3', ['-c', BOTO, endpoint], { env: pyEnv(KEY.secretAccessKey) });
    assert.equal(ok.stdout.trim(), '0');
    assert.equal(seen.at(-1), `${KEY.accessKeyId} ap-south-1 cloudtrail`);
    const bad = await run('python3', ['-c', BOTO, endpoint], { env: pyEnv('wrong') });
    assert.equal(bad.stdout.trim(), 'InvalidSignatureException');
  });

  void it('accepts the AWS CLI', async () => {
    const out = await run('aws', ['cloudtrail', 'lookup-events', '--max-results', '1', '--endpoint-url', endpoint, '--output', 'json'], {
      env: pyEnv(KEY.secretAccessKey),
    });
    assert.deepEqual(JSON.parse(out.stdout), { Events: [] });
  });
});
