/**
 * A 1 GiB object streams through the recording gateway both ways (S3 PutObject up, GetObject down)
 * while the gateway's resident memory stays under 150 MB (peak, VmHWM, read from /proc).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CairnProcess } from './support/cairn-process.js';
import { CAIRN_TARGET, SignedJsonClient } from './support/signed-json-client.js';

const GIB = 1024 ** 3;
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);
const RSS_LIMIT = 150 * 1024 * 1024;
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDSTREAM/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';

/** Peak resident set size of a process, in bytes. */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Upstream: counts what PUTs send, and answers GETs with `GIB` bytes, both streamed. */
function startUpstream(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    if (req.method === 'PUT') {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => {
        res.writeHead(200, { ETag: '"big"', 'x-amz-request-id': 'PUTBIG', 'Content-Length': 0 });
        res.end();
      });
      return;
    }
    res.writeHead(200, { 'Content-Length': GIB, 'Content-Type': 'application/octet-stream', 'x-amz-request-id': 'GETBIG' });
    let sent = 0;
    const pump = (): void => {
      while (sent < GIB) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received })),
  );
}

void describe('a 1 GiB object through the gateway', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let cairn: CairnProcess;

  before(async () => {
    upstream = await startUpstream();
    cairn = await CairnProcess.start(['--upstream', upstream.url]);
  });

  after(async () => {
    await cairn?.dispose();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  void it('streams up and down with bounded memory, and records both calls', async (t) => {
    const url = new URL(cairn.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, method: 'PUT', path: '/big-bucket/object.bin', headers: { 'Content-Length': GIB, Authorization: AUTH } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < GIB) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 200);
    assert.equal(upstream.received(), GIB);

    const downloaded = await new Promise<number>((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, method: 'GET', path: '/big-bucket/object.bin', headers: { Authorization: AUTH } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(downloaded, GIB);

    const peak = peakRss(cairn.pid!);
    t.diagnostic(`gateway peak RSS after 2 GiB streamed: ${(peak / 1048576).toFixed(1)} MB`);
    assert.ok(peak < RSS_LIMIT, `gateway peak RSS ${(peak / 1048576).toFixed(1)} MB must stay under 150 MB`);

    const history = new SignedJsonClient(cairn.url, cairn.adminCredentials());
    for (const [name, requestId] of [
      ['PutObject', 'PUTBIG'],
      ['GetObject', 'GETBIG'],
    ] as const) {
      const response = await history.call(`${CAIRN_TARGET}.SearchEvents`, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }], EventCategories: ['data'], MaxResults: 1 });
      const record = JSON.parse((JSON.parse(response.body) as { Events: { CloudTrailEvent: string }[] }).Events[0]!.CloudTrailEvent) as Record<string, unknown>;
      assert.equal(record.requestID, requestId);
      assert.equal(record.errorCode, undefined);
      assert.deepEqual(record.requestParameters, { bucketName: 'big-bucket', Host: url.host, key: 'object.bin' });
      assert.deepEqual(record.additionalEventData, {
        SignatureVersion: 'SigV4',
        bytesTransferredIn: name === 'PutObject' ? GIB : 0,
        AuthenticationMethod: 'AuthHeader',
        bytesTransferredOut: name === 'GetObject' ? GIB : 0,
      });
    }
  });
});
