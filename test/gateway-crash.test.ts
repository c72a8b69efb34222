/**
 * The recording gateway killed with SIGKILL while clients call through it: every call whose response
 * a client received completely is in the history after a restart, exactly once. The gateway holds
 * the last bytes of each response until the call's event is durable, so this must hold whenever the
 * kill lands.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CairnProcess } from './support/cairn-process.js';
import type { WireEvent } from './support/signed-json-client.js';
import { searchAll, SignedJsonClient } from './support/signed-json-client.js';

const CLIENTS = 8;
const ANSWERED_BEFORE_KILL = 200;

/** A fast upstream speaking DynamoDB's JSON protocol: every reply carries a fresh request id. */
function startUpstream(): Promise<{ server: Server; url: string }> {
  let n = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.from(JSON.stringify({ ConsumedCapacity: { TableName: 'crash', CapacityUnits: 1 }, Padding: 'p'.repeat(20_000) }));
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': `UP-${++n}`, 'Content-Length': body.length });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** One PutItem through the gateway; resolves with the upstream's request id only if the whole response arrived. */
function putItem(url: URL, agent: Agent, marker: string): Promise<string | undefined> {
  const body = JSON.stringify({ TableName: 'crash', Item: { id: { S: marker } } });
  return new Promise((resolve) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.PutItem',
          Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCRASH/20261126/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let received = 0;
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('end', () => resolve(res.statusCode === 200 && received === Number(res.headers['content-length']) ? marker : undefined));
        res.on('error', () => resolve(undefined));
        res.on('aborted', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

void describe('recording gateway killed with SIGKILL mid-traffic', () => {
  let upstream: { server: Server; url: string };
  let cairn: CairnProcess;

  before(async () => {
    upstream = await startUpstream();
    cairn = await CairnProcess.start(['--upstream', upstream.url]);
  });

  after(async () => {
    await cairn?.dispose();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  void it('keeps every call a client saw completed, exactly once', async () => {
    const url = new URL(cairn.url);
    const answered: string[] = [];
    let sent = 0;
    let stop = false;
    let killed: Promise<void> | undefined;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (!stop) {
        const marker = `m-${c}-${sent++}`;
        const done = await putItem(url, agent, marker);
        if (done) answered.push(done);
        if (answered.length >= ANSWERED_BEFORE_KILL && !killed) {
          killed = cairn.kill();
          stop = true;
        }
      }
      agent.destroy();
    });
    await Promise.all(clients);
    await killed;
    assert.ok(answered.length >= ANSWERED_BEFORE_KILL);

    await cairn.spawn();
    const history = new SignedJsonClient(cairn.url, cairn.adminCredentials());
    const events: WireEvent[] = await searchAll(history, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutItem' }], EventCategories: ['data'] });
    const markers = events.map((e) => (JSON.parse(e.CloudTrailEvent) as { requestParameters: { item: { id: { S: string } } } }).requestParameters.item.id.S);
    const counts = new Map<string, number>();
    for (const m of markers) counts.set(m, (counts.get(m) ?? 0) + 1);
    for (const marker of answered) assert.equal(counts.get(marker), 1, `${marker} was answered; it must be recorded exactly once`);
    for (const [marker, count] of counts) assert.equal(count, 1, `${marker} recorded ${count} times`);
    // Calls in flight at the kill may be recorded without their answer arriving: never more than were sent.
    assert.ok(markers.length <= sent);
  });
});
