import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateChannelCommand, CreateEventDataStoreCommand, GetChannelCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import type { Boto3Result } from '../support/boto3.js';
import { boto3Calls } from '../support/boto3.js';
import type { Credentials } from '../support/cairn-process.js';
import { CairnProcess } from '../support/cairn-process.js';
import { createKey } from '../support/fixture-events.js';
import { freePort } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { NodeSha256 } from '../support/signed-json-client.js';
import { runQuery } from './support.js';

// PutAuditEvents (`cloudtrail-data`, REST-JSON, SigV4 service `cloudtrail-data`) through the real
// AWS CLI (`aws cloudtrail-data put-audit-events`) and boto3 against `cairn serve` with SigV4 on:
// per-event checks, request-level errors, signatures, and the events in the channel's event data
// stores (StartQuery), never in event history (LookupEvents). No JS SDK for cloudtrail-data exists
// in the npm registry.

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const REGION = 'us-east-1';
const AUDIT_SELECTORS = [{ Name: 'custom events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['ActivityAuditLog'] }] }];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const skip = requireProgram('aws') || requireProgram('python3', ['-c', 'import boto3']);

let cairn: CairnProcess;
let admin: Credentials;
let other: Credentials;
let driver: AwsCliDriver;
let storeA = '';
let storeB = '';
let channel = '';
/** What the tests sent and Cairn accepted: eventID → the eventData sent. */
const accepted = new Map<string, Record<string, unknown>>();

interface AuditEvent {
  id: string;
  eventData: string;
  eventDataChecksum?: string;
}

interface PutOutput {
  successful: { id: string; eventID: string }[];
  failed: { id: string; errorCode: string; errorMessage: string }[];
}

function sdk(): CloudTrailClient {
  return new CloudTrailClient({ endpoint: cairn.url, region: REGION, credentials: admin, maxAttempts: 1 });
}

/** A valid custom event with every optional field, changed by `changes` (undefined removes a field). */
function eventData(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    version: '1.0',
    userIdentity: { type: 'CustomUser', principalId: 'alice', details: { team: 'blue' } },
    userAgent: 'my-app/1.0',
    eventSource: 'my-app.example.com',
    eventName: 'DownloadReport',
    eventTime: '2026-01-02T03:04:05Z',
    UID: `uid-${randomUUID()}`,
    requestParameters: { report: 'q4', pages: 3 },
    responseElements: { size: 1024 },
    errorCode: 'None',
    errorMessage: 'none',
    sourceIPAddress: '192.0.2.10',
    recipientAccountId: ACCOUNT,
    additionalEventData: { client: 'cli' },
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

function base64Sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

function boto3Put(params: Record<string, unknown>, credentials: Credentials = admin): Promise<Boto3Result[]> {
  return boto3Calls(cairn.url, credentials, [{ service: 'cloudtrail-data', operation: 'PutAuditEvents', params }]);
}

function expectError(result: Boto3Result | undefined, code: string, status = 400): void {
  assert.ok(result && !result.ok, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.message);
  assert.equal(result.status, status);
  assert.ok(result.message.length > 0);
}

function remember(events: readonly AuditEvent[], output: PutOutput): void {
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const s of output.successful) accepted.set(s.eventID, JSON.parse(byId.get(s.id)!.eventData) as Record<string, unknown>);
}

function cliEnv(credentials: Credentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

function cliPut(events: readonly AuditEvent[], credentials: Credentials = admin, extra: string[] = []): ReturnType<AwsCliDriver['run']> {
  const file = join(cairn.dataDir, `events-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(events));
  return driver.run(
    ['cloudtrail-data', 'put-audit-events', '--channel-arn', channel, '--audit-events', `file://${file}`, ...extra, '--endpoint-url', cairn.url, '--output', 'json'],
    cliEnv(credentials),
  );
}

void describe('PutAuditEvents (cloudtrail-data)', { skip }, () => {
  before(async () => {
    cairn = await CairnProcess.start(['--lake-interval', '1']);
    admin = cairn.adminCredentials();
    other = createKey(cairn.dataDir, ['--account-id', OTHER]);
    driver = AwsCliDriver.start();
    const create = async (name: string): Promise<string> =>
      (await sdk().send(new CreateEventDataStoreCommand({ Name: name, TerminationProtectionEnabled: false, AdvancedEventSelectors: AUDIT_SELECTORS }))).EventDataStoreArn!;
    storeA = await create('custom-a');
    storeB = await create('custom-b');
    const created = await sdk().send(
      new CreateChannelCommand({ Name: 'my-app', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: storeA }, { Type: 'EVENT_DATA_STORE', Location: storeB }] }),
    );
    channel = created.ChannelArn!;
  });

  after(async () => {
    await driver?.stop();
    await cairn?.dispose();
  });

  void it('aws cloudtrail-data put-audit-events: every event accepted, each with a new eventID; checksums as base64 (or hex) SHA-256', async () => {
    const first = JSON.stringify(eventData({ eventName: 'Login' }));
    const second = JSON.stringify(eventData({ eventName: 'Logout', sourceIPAddress: '2001:db8::1' }));
    const third = JSON.stringify(eventData({ eventName: 'Minimal', userAgent: undefined, requestParameters: undefined, responseElements: undefined, errorCode: undefined, errorMessage: undefined, sourceIPAddress: undefined, additionalEventData: undefined }));
    const events: AuditEvent[] = [
      { id: 'cli-1', eventData: first, eventDataChecksum: base64Sha256(first) },
      { id: 'cli-2', eventData: second, eventDataChecksum: createHash('sha256').update(second).digest('hex') },
      { id: 'cli_3', eventData: third },
    ];
    const run = await cliPut(events, admin, ['--external-id', 'my-partner-id']);
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout) as PutOutput;
    assert.deepEqual(output.failed, []);
    assert.deepEqual(output.successful.map((s) => s.id), ['cli-1', 'cli-2', 'cli_3']);
    for (const s of output.successful) assert.match(s.eventID, UUID);
    assert.equal(new Set(output.successful.map((s) => s.eventID)).size, 3);
    remember(events, output);
  });

  void it('one call with per-event failures mixed with successes: each failure has its code, the rest are stored', async () => {
    const good = JSON.stringify(eventData({ eventName: 'Mixed-ok-1' }));
    const cases: [AuditEvent, string | undefined][] = [
      [{ id: 'ok-1', eventData: good, eventDataChecksum: base64Sha256(good) }, undefined],
      [{ id: 'bad-checksum', eventData: good, eventDataChecksum: base64Sha256(good + ' ') }, 'InvalidChecksum'],
      [{ id: 'no-uid', eventData: JSON.stringify(eventData({ UID: undefined })) }, 'FieldNotFound'],
      [{ id: 'no-version', eventData: JSON.stringify(eventData({ version: undefined })) }, 'FieldNotFound'],
      [{ id: 'no-identity', eventData: JSON.stringify(eventData({ userIdentity: undefined })) }, 'FieldNotFound'],
      [{ id: 'no-principal', eventData: JSON.stringify(eventData({ userIdentity: { type: 'CustomUser' } })) }, 'FieldNotFound'],
      [{ id: 'no-recipient', eventData: JSON.stringify(eventData({ recipientAccountId: undefined })) }, 'FieldNotFound'],
      [{ id: 'long-name', eventData: JSON.stringify(eventData({ eventName: 'x'.repeat(1025) })) }, 'FieldTooLong'],
      [{ id: 'long-version', eventData: JSON.stringify(eventData({ version: 'v'.repeat(257) })) }, 'FieldTooLong'],
      [{ id: 'long-type', eventData: JSON.stringify(eventData({ userIdentity: { type: 't'.repeat(129), principalId: 'p' } })) }, 'FieldTooLong'],
      [{ id: 'big-params', eventData: JSON.stringify(eventData({ requestParameters: { blob: 'p'.repeat(101 * 1024) } })) }, 'FieldTooLong'],
      [{ id: 'big-extra', eventData: JSON.stringify(eventData({ additionalEventData: { blob: 'a'.repeat(29 * 1024) } })) }, 'FieldTooLong'],
      [{ id: 'not-json', eventData: '{"version": "1.0",' }, 'InvalidData'],
      [{ id: 'not-object', eventData: '[1, 2]' }, 'InvalidData'],
      [{ id: 'bad-time', eventData: JSON.stringify(eventData({ eventTime: '02/01/2026 03:04' })) }, 'InvalidData'],
      [{ id: 'no-such-day', eventData: JSON.stringify(eventData({ eventTime: '2026-02-30T00:00:00Z' })) }, 'InvalidData'],
      [{ id: 'bad-ip', eventData: JSON.stringify(eventData({ sourceIPAddress: '300.1.2.3' })) }, 'InvalidData'],
      [{ id: 'number-name', eventData: JSON.stringify(eventData({ eventName: 42 })) }, 'InvalidData'],
      [{ id: 'unknown-field', eventData: JSON.stringify(eventData({ color: 'red' })) }, 'InvalidData'],
      [{ id: 'other-recipient', eventData: JSON.stringify(eventData({ recipientAccountId: OTHER })) }, 'InvalidRecipient'],
      [{ id: 'aws-source', eventData: JSON.stringify(eventData({ eventSource: 's3.amazonaws.com' })) }, 'InvalidEventSource'],
      [{ id: 'ok-2', eventData: JSON.stringify(eventData({ eventName: 'Mixed-ok-2' })) }, undefined],
    ];
    const events = cases.map(([e]) => e);
    const [result] = await boto3Put({ channelArn: channel, auditEvents: events });
    assert.ok(result?.ok, JSON.stringify(result));
    const output = result.result as unknown as PutOutput;
    assert.deepEqual(output.successful.map((s) => s.id), ['ok-1', 'ok-2']);
    assert.deepEqual(
      Object.fromEntries(output.failed.map((f) => [f.id, f.errorCode])),
      Object.fromEntries(cases.filter(([, code]) => code !== undefined).map(([e, code]) => [e.id, code])),
    );
    for (const f of output.failed) assert.ok(f.errorMessage.length > 0, f.id);
    remember(events, output);
  });

  void it('the channel named by its id works like its ARN', async () => {
    const events = [{ id: 'by-id', eventData: JSON.stringify(eventData({ eventName: 'ById' })) }];
    const [result] = await boto3Put({ channelArn: channel.split('/').pop(), auditEvents: events });
    assert.ok(result?.ok, JSON.stringify(result));
    const output = result.result as unknown as PutOutput;
    assert.deepEqual(output.successful.map((s) => s.id), ['by-id']);
    remember(events, output);
  });

  void it('request-level errors: unknown or invalid channel, another account, duplicate ids, 101 events, over 1 MB, bad externalId', async () => {
    const one = [{ id: 'x1', eventData: JSON.stringify(eventData()) }];
    const unknown = channel.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    const results = await boto3Calls(cairn.url, admin, [
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: unknown, auditEvents: one } },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/my-trail', auditEvents: one } },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: 'arn:nonsense', auditEvents: one } },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: channel.replace('us-east-1', 'eu-west-1'), auditEvents: one } },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: channel, auditEvents: [...one, { id: 'x1', eventData: JSON.stringify(eventData()) }] } },
      {
        service: 'cloudtrail-data',
        operation: 'PutAuditEvents',
        params: { channelArn: channel, auditEvents: Array.from({ length: 101 }, (_, i) => ({ id: `many-${i}`, eventData: JSON.stringify(eventData()) })) },
      },
      {
        service: 'cloudtrail-data',
        operation: 'PutAuditEvents',
        params: { channelArn: channel, auditEvents: Array.from({ length: 100 }, (_, i) => ({ id: `huge-${i}`, eventData: JSON.stringify(eventData({ requestParameters: { blob: 'h'.repeat(11_000) } })) })) },
      },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: channel, externalId: 'not valid!', auditEvents: one } },
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: channel, auditEvents: [{ id: 'bad id!', eventData: JSON.stringify(eventData()) }] } },
    ]);
    expectError(results[0], 'ChannelNotFound');
    expectError(results[1], 'InvalidChannelARN');
    expectError(results[2], 'InvalidChannelARN');
    expectError(results[3], 'ChannelNotFound');
    expectError(results[4], 'DuplicatedAuditEventId');
    expectError(results[5], 'ValidationException');
    expectError(results[6], 'RequestEntityTooLargeException', 413);
    expectError(results[7], 'ValidationException');
    expectError(results[8], 'ValidationException');
    // Another account may not put events into this account's channel.
    const [foreign] = await boto3Put({ channelArn: channel, auditEvents: one }, other);
    expectError(foreign, 'ChannelInsufficientPermission');
  });

  void it('signatures: a wrong secret, an unknown key, no signature, a signature for another service', async () => {
    const event = [{ id: 'sig', eventData: JSON.stringify(eventData()) }];
    const wrongSecret = await cliPut(event, { accessKeyId: admin.accessKeyId, secretAccessKey: `${admin.secretAccessKey}x` });
    assert.equal(wrongSecret.code, 255);
    assert.match(wrongSecret.stderr, /An error occurred \(InvalidSignatureException\) when calling the PutAuditEvents operation: The request signature we calculated/);
    const unknownKey = await cliPut(event, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    assert.equal(unknownKey.code, 255);
    assert.match(unknownKey.stderr, /An error occurred \(UnrecognizedClientException\) when calling the PutAuditEvents operation/);

    const url = new URL(`/PutAuditEvents?channelArn=${encodeURIComponent(channel)}`, cairn.url);
    const body = JSON.stringify({ auditEvents: event });
    const unsigned = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.ok(((await unsigned.json()) as { message: string }).message);

    const signer = new SignatureV4({ credentials: admin, region: REGION, service: 'cloudtrail', sha256: NodeSha256, uriEscapePath: true });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/PutAuditEvents',
      query: { channelArn: channel },
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    });
    const wrongService = await fetch(url, { method: 'POST', body, headers: signed.headers });
    assert.equal(wrongService.status, 400);
    assert.equal(wrongService.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.match(((await wrongService.json()) as { message: string }).message, /cloudtrail-data/);
  });

  void it('GetChannel reports the latest ingestion', async () => {
    const got = await sdk().send(new GetChannelCommand({ Channel: channel }));
    const status = got.IngestionStatus;
    assert.ok(status?.LatestIngestionSuccessEventID && accepted.has(status.LatestIngestionSuccessEventID), JSON.stringify(status));
    assert.ok(status.LatestIngestionSuccessTime instanceof Date);
    assert.ok(status.LatestIngestionAttemptTime instanceof Date);
  });

  void it('end to end: acknowledged events survive a crash and StartQuery over each destination store returns them as Lake keeps them', async () => {
    // Acknowledged means durable: kill -9 and start again before reading.
    await cairn.kill();
    await cairn.spawn();
    for (const store of [storeA, storeB]) {
      const id = store.split('/').pop()!;
      const rows = await runQuery(
        sdk(),
        `SELECT eventID, eventVersion, eventCategory, eventType, awsRegion, recipientAccountId, eventTime, eventData.version AS version, eventData.eventName AS name, ` +
          `eventData.eventSource AS source, eventData.uid AS uid, eventData.userIdentity.type AS itype, eventData.userIdentity.principalId AS principal, ` +
          `element_at(eventData.userIdentity.details, 'team') AS team, element_at(eventData.requestParameters, 'pages') AS pages, eventData.sourceIPAddress AS ip, ` +
          `eventData.recipientAccountId AS recipient, metadata.channelARN AS channelArn, metadata.ingestionTime AS ingested FROM ${id}`,
      );
      assert.deepEqual(rows.map((r) => r.eventID).sort(), [...accepted.keys()].sort());
      for (const row of rows) {
        const sent = accepted.get(row.eventID!)!;
        const identity = sent.userIdentity as { type: string; principalId: string; details?: { team?: string } };
        assert.equal(row.eventCategory, 'ActivityAuditLog');
        assert.equal(row.eventType, 'ActivityLog');
        assert.ok(row.eventVersion);
        assert.equal(row.awsRegion, REGION);
        assert.equal(row.recipientAccountId, ACCOUNT);
        assert.equal(row.eventTime, String(sent.eventTime).replace('T', ' ').replace('Z', ''));
        assert.equal(row.version, sent.version);
        assert.equal(row.name, sent.eventName);
        assert.equal(row.source, sent.eventSource);
        assert.equal(row.uid, sent.UID);
        assert.equal(row.itype, identity.type);
        assert.equal(row.principal, identity.principalId);
        assert.equal(row.team, identity.details?.team ?? '');
        assert.equal(row.pages, sent.requestParameters ? String((sent.requestParameters as { pages: number }).pages) : '');
        assert.equal(row.ip, sent.sourceIPAddress ?? '');
        assert.equal(row.recipient, ACCOUNT);
        assert.equal(row.channelArn, channel);
        assert.match(row.ingested ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
      const byName = await runQuery(sdk(), `SELECT eventData.eventName AS name, COUNT(*) AS n FROM ${id} WHERE eventData.eventName = 'Login' GROUP BY eventData.eventName`);
      assert.deepEqual(byName, [{ name: 'Login', n: '1' }]);
    }
  });

  void it('custom events and the PutAuditEvents calls are not in event history (LookupEvents)', async () => {
    for (const eventID of [...accepted.keys()].slice(0, 5)) {
      const found = await sdk().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: eventID }] }));
      assert.deepEqual(found.Events ?? [], []);
    }
    for (const name of ['PutAuditEvents', 'Login', 'DownloadReport']) {
      const found = await sdk().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
      assert.deepEqual(found.Events ?? [], [], name);
    }
    // The CloudTrail API calls of the test are there: event history works, custom events are just not in it.
    const channelCalls = await sdk().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateChannel' }] }));
    assert.equal(channelCalls.Events?.length, 1);
  });
});

void describe('PutAuditEvents in gateway mode', { skip }, () => {
  let gateway: CairnProcess;

  before(async () => {
    // Every call that is not Cairn's own goes to the upstream: a port nothing listens on.
    gateway = await CairnProcess.start(['--upstream', `http://127.0.0.1:${await freePort()}`, '--lake-interval', '1']);
  });

  after(async () => {
    await gateway?.dispose();
  });

  void it('is served by Cairn itself, never forwarded; a POST /PutAuditEvents signed for another service is forwarded', async () => {
    const keys = gateway.adminCredentials();
    const client = new CloudTrailClient({ endpoint: gateway.url, region: REGION, credentials: keys, maxAttempts: 1 });
    const store = await client.send(new CreateEventDataStoreCommand({ Name: 'gw-custom', TerminationProtectionEnabled: false, AdvancedEventSelectors: AUDIT_SELECTORS }));
    const created = await client.send(new CreateChannelCommand({ Name: 'gateway-app', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: store.EventDataStoreArn }] }));
    const [put] = await boto3Calls(gateway.url, keys, [
      { service: 'cloudtrail-data', operation: 'PutAuditEvents', params: { channelArn: created.ChannelArn, auditEvents: [{ id: 'gw-1', eventData: JSON.stringify(eventData({ eventName: 'ThroughGateway' })) }] } },
    ]);
    assert.ok(put?.ok, JSON.stringify(put));
    assert.deepEqual((put.result as unknown as PutOutput).successful.map((s) => s.id), ['gw-1']);
    const rows = await runQuery(client, `SELECT eventData.eventName AS name FROM ${store.EventDataStoreArn!.split('/').pop()!}`);
    assert.deepEqual(rows, [{ name: 'ThroughGateway' }]);

    // An S3 PutObject to a bucket named PutAuditEvents is an upstream call.
    const url = new URL('/PutAuditEvents', gateway.url);
    const signer = new SignatureV4({ credentials: keys, region: REGION, service: 's3', sha256: NodeSha256, uriEscapePath: false });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/PutAuditEvents', query: {}, headers: { host: url.host }, body: 'x' });
    const forwarded = await fetch(url, { method: 'POST', body: 'x', headers: signed.headers });
    assert.equal(forwarded.status, 503);
    assert.match(await forwarded.text(), /Cairn could not reach the upstream/);
  });
});
