import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CairnProcess } from './support/cairn-process.js';
import { CAIRN_TARGET, SignedJsonClient } from './support/signed-json-client.js';

// The gateway's configuration: one upstream per service from a config file, X-Forwarded-For only
// from trusted proxies, and identities from an identities file.

const ACCOUNT = '123456789012';

interface Upstream {
  server: Server;
  url: string;
  paths: string[];
}

function startUpstream(name: string): Promise<Upstream> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-RequestId': `${name}-${paths.length}` });
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths })));
}

function call(cairnUrl: string, headers: Record<string, string>, path = '/', body = '{}'): Promise<number> {
  const url = new URL(cairnUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, method: 'POST', path, headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sqs = (key: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'Content-Type': 'application/x-amz-json-1.0',
  'X-Amz-Target': 'AmazonSQS.ListQueues',
  Authorization: `AWS4-HMAC-SHA256 Credential=${key}/20261126/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00`,
  ...extra,
});

async function newest(history: SignedJsonClient, accessKeyId: string): Promise<Record<string, unknown>> {
  const response = await history.call(`${CAIRN_TARGET}.SearchEvents`, { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: accessKeyId }], EventCategories: ['management', 'data'], MaxResults: 1 });
  const events = (JSON.parse(response.body) as { Events: { CloudTrailEvent: string }[] }).Events;
  assert.equal(events.length, 1, `no event for ${accessKeyId}`);
  return JSON.parse(events[0]!.CloudTrailEvent) as Record<string, unknown>;
}

void describe('gateway configuration file', () => {
  let main: Upstream;
  let objects: Upstream;
  let cairn: CairnProcess;
  let plain: CairnProcess;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gw-config-'));

  before(async () => {
    main = await startUpstream('main');
    objects = await startUpstream('objects');
    const identity = { type: 'IAMUser', principalId: 'AIDAFILEIDENTITY', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT, accessKeyId: 'AKIAFROMFILE', userName: 'ci' };
    writeFileSync(join(dir, 'identities.json'), JSON.stringify([identity]));
    writeFileSync(join(dir, 'cairn.json'), JSON.stringify({ upstream: main.url, upstreams: { s3: `${objects.url}/base` }, trustedProxies: ['127.0.0.1'], identities: 'identities.json' }));
    cairn = await CairnProcess.start(['--config', join(dir, 'cairn.json')]);
    plain = await CairnProcess.start(['--upstream', main.url]);
  });

  after(async () => {
    await cairn?.dispose();
    await plain?.dispose();
    await new Promise((resolve) => main?.server.close(resolve));
    await new Promise((resolve) => objects?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  void it('sends each service to its own upstream and the rest to the default', async () => {
    assert.match(cairn.output, /Recording gateway: forwarding default → http:\/\/127\.0\.0\.1:\d+, s3 → http:\/\/127\.0\.0\.1:\d+\/base/);
    assert.equal(await call(cairn.url, { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDS3/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' }, '/bucket/key'), 200);
    assert.equal(await call(cairn.url, sqs('AKIDSQS')), 200);
    // A signed call to a bucket named "health" is not Cairn's health probe.
    assert.equal(await call(cairn.url, { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDS3/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' }, '/health'), 200);
    // The s3 upstream was configured with a base path: it goes in front.
    assert.deepEqual(objects.paths, ['/base/bucket/key', '/base/health']);
    assert.deepEqual(main.paths, ['/']);
  });

  void it('believes X-Forwarded-For only from a trusted proxy', async () => {
    await call(cairn.url, sqs('AKIDFORWARDED', { 'X-Forwarded-For': '203.0.113.50, 198.51.100.7' }));
    const trusted = await newest(new SignedJsonClient(cairn.url, cairn.adminCredentials()), 'AKIDFORWARDED');
    assert.equal(trusted.sourceIPAddress, '198.51.100.7');
    await call(plain.url, sqs('AKIDSPOOFED', { 'X-Forwarded-For': '198.51.100.7' }));
    const untrusted = await newest(new SignedJsonClient(plain.url, plain.adminCredentials()), 'AKIDSPOOFED');
    assert.equal(untrusted.sourceIPAddress, '127.0.0.1');
  });

  void it('attributes keys from the identities file', async () => {
    await call(cairn.url, sqs('AKIAFROMFILE', { 'User-Agent': 'x'.repeat(3000) }));
    const event = await newest(new SignedJsonClient(cairn.url, cairn.adminCredentials()), 'AKIAFROMFILE');
    assert.deepEqual(event.userIdentity, { type: 'IAMUser', principalId: 'AIDAFILEIDENTITY', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT, accessKeyId: 'AKIAFROMFILE', userName: 'ci' });
    assert.equal(event.eventName, 'ListQueues');
    assert.equal(String(event.userAgent).length, 1024, 'userAgent is capped at 1 KB');
  });
});
