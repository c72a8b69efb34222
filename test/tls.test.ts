import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CairnProcess } from './support/cairn-process.js';
import { requireProgram } from './support/programs.js';

// `cairn serve --tls-cert/--tls-key`: HTTPS, and tlsDetails in the records of calls made over TLS.

const missing = requireProgram('openssl', ['version']);

void describe('serving over TLS', { skip: missing }, () => {
  let cairn: CairnProcess;
  let client: CloudTrailClient;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-tls-'));

  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cairn = await CairnProcess.start(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
    client = new CloudTrailClient({
      endpoint: cairn.url,
      region: 'us-east-1',
      credentials: cairn.adminCredentials(),
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(join(dir, 'cert.pem')) }) }),
    });
  });

  after(async () => {
    client?.destroy();
    await cairn?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('answers over HTTPS and records tlsDetails for the call', async () => {
    assert.match(cairn.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const first = await client.send(new LookupEventsCommand({ MaxResults: 1 }));
    const requestId = first.$metadata.requestId;
    const page = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] }));
    const recorded = (page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as { requestID?: string; tlsDetails?: Record<string, string> });
    const call = recorded.find((r) => r.requestID === requestId);
    assert.ok(call, `the first call (${requestId}) is in the history`);
    assert.equal(call.tlsDetails?.tlsVersion, 'TLSv1.3');
    assert.match(call.tlsDetails?.cipherSuite ?? '', /^TLS_/);
    assert.equal(call.tlsDetails?.clientProvidedHostHeader, new URL(cairn.url).host);
  });
});
