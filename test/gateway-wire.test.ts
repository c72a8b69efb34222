import assert from 'node:assert/strict';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { BotocoreCall } from './support/botocore-requests.js';
import { botocoreRequests } from './support/botocore-requests.js';
import type { Credentials } from './support/cairn-process.js';
import { CairnProcess } from './support/cairn-process.js';
import { requireProgram } from './support/programs.js';
import { CAIRN_TARGET, SignedJsonClient } from './support/signed-json-client.js';

// What crosses the gateway, byte for byte: requests botocore builds (signed, some aws-chunked) are
// sent through Cairn to a real HTTP server that keeps what it receives; the client's bytes and the
// upstream's bytes must be the same, in both directions, including Expect: 100-continue and HEAD.

const skip = requireProgram('python3', ['-c', 'import botocore']);

interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

/** The upstream: keeps every request it gets and answers with the reply the test set. */
class KeepingUpstream {
  received: Received[] = [];
  reply: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => res.end();
  /** When set, Expect: 100-continue requests are refused with this status before their body. */
  refuseContinue: number | undefined;
  readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (this.refuseContinue !== undefined) {
        this.received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) });
        res.writeHead(this.refuseContinue, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'REFUSED1' });
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
        return;
      }
      res.writeContinue();
      this.handle(req, res);
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      this.received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      this.reply(req, res, body);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

interface ClientResult {
  status: number;
  rawHeaders: string[];
  body: Buffer;
  continued: boolean;
}

/** Sends one request through Cairn exactly as given (header order and spelling kept). */
function send(url: string, method: string, path: string, headers: string[], body: Buffer, options: { waitForContinue?: boolean } = {}): Promise<ClientResult> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: target.hostname, port: target.port, method, path, headers, setHost: false });
    let continued = false;
    req.on('continue', () => {
      continued = true;
      if (options.waitForContinue) req.end(body);
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(parts), continued }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.waitForContinue) req.flushHeaders();
    else req.end(body);
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive']);
function endToEnd(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function flatHeaders(headers: Record<string, string>, host: string): string[] {
  return ['Host', host, ...Object.entries(headers).flat()];
}

void describe('gateway wire fidelity', { skip }, () => {
  const upstream = new KeepingUpstream();
  let cairn: CairnProcess;
  let admin: Credentials;
  let history: SignedJsonClient;

  before(async () => {
    const url = await upstream.listen();
    cairn = await CairnProcess.start(['--upstream', url]);
    admin = cairn.adminCredentials();
    history = new SignedJsonClient(cairn.url, admin);
  });

  after(async () => {
    await cairn?.dispose();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  beforeEach(() => {
    upstream.received = [];
    upstream.refuseContinue = undefined;
    upstream.reply = (_req, res) => res.end();
  });

  async function newest(name: string): Promise<Record<string, unknown>> {
    const response = await history.call(`${CAIRN_TARGET}.SearchEvents`, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }],
      EventCategories: ['management', 'data'],
      MaxResults: 1,
    });
    const events = (JSON.parse(response.body) as { Events: { CloudTrailEvent: string }[] }).Events;
    assert.equal(events.length, 1, `no ${name} event`);
    return JSON.parse(events[0]!.CloudTrailEvent) as Record<string, unknown>;
  }

  void it('forwards botocore requests of every protocol byte for byte, and returns the reply byte for byte', async () => {
    const calls: BotocoreCall[] = [
      { service: 's3', operation: 'PutObject', params: { Bucket: 'wire', Key: 'k ü/x.bin', Body: 'x'.repeat(70_000), ChecksumAlgorithm: 'CRC32' }, config: { s3: { addressing_style: 'path' } } },
      { service: 's3', operation: 'PutObject', params: { Bucket: 'wire', Key: 'plain', Body: 'hello' }, config: { s3: { addressing_style: 'path' }, request_checksum_calculation: 'when_required' } },
      { service: 'sqs', operation: 'SendMessage', params: { QueueUrl: 'http://127.0.0.1/123456789012/q', MessageBody: 'm' } },
      { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] } },
      { service: 'lambda', operation: 'Invoke', params: { FunctionName: 'fn', Payload: '{"a":1}' } },
      { service: 'cloudwatch', operation: 'PutMetricData', params: { Namespace: 'N', MetricData: [{ MetricName: 'm', Value: 1 }] } },
    ];
    // botocore frames uploads as aws-chunked (with a trailing checksum) over HTTPS only; the bytes are sent here as built.
    const requests = botocoreRequests(calls.map((c, i) => ({ ...c, endpoint: i === 0 ? 'https://127.0.0.1:4443' : cairn.url })));
    const chunked = requests.filter((r) => /aws-chunked/.test(r.headers['Content-Encoding'] ?? ''));
    assert.equal(chunked.length, 1, 'one request is an aws-chunked upload');
    const replyBody = Buffer.from('<?xml version="1.0"?>\n<Reply>\u00e9\u4e2d</Reply>');
    upstream.reply = (_req, res) => {
      res.writeHead(200, [
        'x-amz-request-id',
        'REQ123',
        'X-Custom-Case',
        'KeepMe',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'Content-Type',
        'application/xml',
        'Content-Length',
        String(replyBody.length),
      ]);
      res.end(replyBody);
    };
    for (const r of requests) {
      const url = new URL(r.url);
      const body = Buffer.from(r.body, 'base64');
      const headers = flatHeaders(r.headers, url.host);
      const result = await send(cairn.url, r.method, url.pathname + url.search, headers, body);
      const got = upstream.received.at(-1)!;
      const what = `${r.service}.${r.operation}`;
      assert.equal(got.method, r.method, what);
      assert.equal(got.url, url.pathname + url.search, what);
      assert.deepEqual(endToEnd(got.rawHeaders), endToEnd(headers), `${what}: headers`);
      assert.ok(got.body.equals(body), `${what}: body`);
      assert.equal(result.status, 200);
      assert.deepEqual(
        endToEnd(result.rawHeaders).filter(([n]) => n !== 'Date'),
        [
          ['x-amz-request-id', 'REQ123'],
          ['X-Custom-Case', 'KeepMe'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
          ['Content-Type', 'application/xml'],
          ['Content-Length', String(replyBody.length)],
        ],
        `${what}: reply headers`,
      );
      assert.ok(result.body.equals(replyBody), `${what}: reply body`);
    }
    const put = await newest('PutObject');
    assert.equal(put.requestID, 'REQ123');
    assert.equal((put.requestParameters as { key: string }).key, 'plain');
  });

  void it('passes Expect: 100-continue through: the body goes up only after the upstream asks for it', async () => {
    const body = Buffer.alloc(200_000, 7);
    const headers = ['Host', 'cont.s3.amazonaws.com', 'Expect', '100-continue', 'Content-Length', String(body.length), 'Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDCONT/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'];
    const ok = await send(cairn.url, 'PUT', '/obj', headers, body, { waitForContinue: true });
    assert.equal(ok.status, 200);
    assert.equal(ok.continued, true);
    assert.ok(upstream.received.at(-1)!.body.equals(body));
    assert.deepEqual(endToEnd(upstream.received.at(-1)!.rawHeaders), endToEnd(headers));

    upstream.refuseContinue = 403;
    const refused = await send(cairn.url, 'PUT', '/obj2', headers, body, { waitForContinue: true });
    assert.equal(refused.status, 403);
    assert.equal(refused.continued, false, 'the client was never asked for its body');
    assert.match(refused.body.toString(), /<Code>AccessDenied<\/Code>/);
    const event = await newest('PutObject');
    assert.equal(event.errorCode, 'AccessDenied');
    assert.equal(event.errorMessage, 'Access Denied');
    assert.equal(event.requestID, 'REFUSED1');
    assert.equal((event.requestParameters as { bucketName: string }).bucketName, 'cont');
  });

  void it('answers HEAD with the upstream headers and no body; a bodiless S3 error is recorded by status', async () => {
    upstream.reply = (_req, res) => {
      res.writeHead(404, { 'Content-Length': '1234', 'x-amz-request-id': 'HEAD404' });
      res.end();
    };
    const headers = ['Host', '127.0.0.1', 'Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDHEAD/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'];
    const result = await send(cairn.url, 'HEAD', '/bucket/missing.txt', headers, Buffer.alloc(0));
    assert.equal(result.status, 404);
    assert.deepEqual(
      endToEnd(result.rawHeaders).filter(([n]) => n !== 'Date'),
      [
        ['Content-Length', '1234'],
        ['x-amz-request-id', 'HEAD404'],
      ],
    );
    assert.equal(result.body.length, 0);
    const event = await newest('HeadObject');
    assert.equal(event.errorCode, 'NotFound');
    assert.equal(event.requestID, 'HEAD404');
    assert.equal(event.readOnly, true);
    assert.equal(event.eventCategory, 'Data');
  });

  void it('records a client that disconnects mid-response', async () => {
    let sent = 0;
    upstream.reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const timer = setInterval(() => {
        sent += 1;
        if (!res.write(Buffer.alloc(16_384, 1)) && sent > 200) clearInterval(timer);
        if (res.destroyed || sent > 400) {
          clearInterval(timer);
          res.end();
        }
      }, 5);
    };
    const target = new URL(cairn.url);
    await new Promise<void>((resolve) => {
      const req = request({
        hostname: target.hostname,
        port: target.port,
        method: 'GET',
        path: '/bucket/big.bin',
        headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDGONE/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' },
      });
      req.on('response', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
    // The gateway records the disconnect as soon as it notices it; ask until it is there.
    let event: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !event; i++) {
      const response = await history.call(`${CAIRN_TARGET}.SearchEvents`, {
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIDGONE' }],
        EventCategories: ['data'],
        MaxResults: 1,
      });
      const events = (JSON.parse(response.body) as { Events: { CloudTrailEvent: string }[] }).Events;
      if (events[0]) event = JSON.parse(events[0].CloudTrailEvent) as Record<string, unknown>;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(event, 'the abandoned call is recorded');
    assert.equal(event.eventName, 'GetObject');
    assert.equal(event.errorCode, 'ClientDisconnected');
    assert.match(String(event.errorMessage), /closed the connection before the response was complete/);
  });
});
