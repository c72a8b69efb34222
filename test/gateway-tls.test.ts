import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CairnProcess } from './support/cairn-process.js';
import { requireProgram } from './support/programs.js';

// The recording gateway served over TLS: a forwarded call's record carries tlsDetails.

const missing = requireProgram('openssl', ['version']);

void describe('recording gateway over TLS', { skip: missing }, () => {
  let cairn: CairnProcess;
  let upstream: Server;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gw-tls-'));

  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'TLSREQ' });
        res.end('{"TableNames":[]}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    cairn = await CairnProcess.start(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--upstream', upstreamUrl]);
  });

  after(async () => {
    await cairn?.dispose();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  void it('records tlsDetails for a call forwarded from a TLS client', async () => {
    const ca = readFileSync(join(dir, 'cert.pem'));
    const url = new URL(cairn.url);
    const body = '{}';
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          ca,
          headers: {
            'Content-Type': 'application/x-amz-json-1.0',
            'X-Amz-Target': 'DynamoDB_20120810.ListTables',
            Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTLS/20261126/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(reply, '{"TableNames":[]}');
    const client = new CloudTrailClient({
      endpoint: cairn.url,
      region: 'us-east-1',
      credentials: cairn.adminCredentials(),
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }),
    });
    try {
      const page = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListTables' }] }));
      const record = JSON.parse(page.Events?.[0]?.CloudTrailEvent ?? '{}') as { requestID?: string; eventSource?: string; tlsDetails?: Record<string, string> };
      assert.equal(record.requestID, 'TLSREQ');
      assert.equal(record.eventSource, 'dynamodb.amazonaws.com');
      assert.equal(record.tlsDetails?.tlsVersion, 'TLSv1.3');
      assert.match(record.tlsDetails?.cipherSuite ?? '', /^TLS_/);
      assert.equal(record.tlsDetails?.clientProvidedHostHeader, url.host);
    } finally {
      client.destroy();
    }
  });
});
