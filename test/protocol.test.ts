import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CairnProcess } from './support/cairn-process.js';
import type { FixtureEvent } from './support/fixture-events.js';
import { STRATUS, byAccountRegion, createKey, fixtureEvents, importFixtures, newestFirst, stratusFiles } from './support/fixture-events.js';
import type { RawResponse, SignOptions } from './support/raw-http.js';
import { jsonBody, jsonCall, send } from './support/raw-http.js';

// AWS JSON 1.1 over raw HTTP (node:http), SigV4-signed with @smithy/signature-v4, against
// `cairn serve` with authentication on.

const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';
const SEARCH = 'Cairn_20261101.SearchEvents';
const A = { account: '017622104382', region: 'us-north-2r' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let cairn: CairnProcess;
let admin: SignOptions;
let signA: SignOptions;
let eventsA: FixtureEvent[];
const requestIds: string[] = [];

/** Every response carries a fresh x-amzn-RequestId. */
function requestId(response: RawResponse): string {
  const id = response.headers['x-amzn-requestid'];
  assert.equal(typeof id, 'string', `x-amzn-RequestId on ${response.status} ${response.body.slice(0, 200)}`);
  assert.match(id as string, UUID);
  assert.ok(!requestIds.includes(id as string), 'request ids are unique');
  requestIds.push(id as string);
  return id as string;
}

/** An AWS-shaped JSON error: status, `__type` and a message, JSON 1.1 content type. */
function assertError(response: RawResponse, status: number, code: string): string {
  requestId(response);
  assert.equal(response.status, status, response.body);
  assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
  const body = jsonBody(response);
  assert.equal(String(body.__type).replace(/^.*#/, ''), code, response.body);
  assert.equal(typeof body.message, 'string');
  assert.ok((body.message as string).length > 0);
  return body.message as string;
}

interface WireEvent {
  EventId: string;
  EventTime: number;
  CloudTrailEvent: string;
  EventName: string;
}

async function searchAll(input: Record<string, unknown>): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  let token: string | undefined;
  for (let i = 0; i < 100; i++) {
    const response = await jsonCall(cairn.url, SEARCH, JSON.stringify(token ? { ...input, NextToken: token } : input), signA);
    requestId(response);
    assert.equal(response.status, 200, response.body);
    const body = jsonBody(response) as { Events: WireEvent[]; NextToken?: string };
    events.push(...body.Events);
    token = body.NextToken;
    if (!token) return events;
  }
  assert.fail('paging did not end');
}

function assertSameEvents(actual: WireEvent[], expected: FixtureEvent[], what: string): void {
  assert.ok(expected.length > 0, `${what}: the fixture has matching events`);
  assert.deepEqual(actual.map((e) => e.EventId).sort(), expected.map((e) => e.eventId).sort(), `${what}: ids`);
  assert.deepEqual(actual.map((e) => e.EventTime * 1000), newestFirst(expected).map((e) => e.eventTime), `${what}: newest first`);
  const raw = new Map(expected.map((e) => [e.eventId, e.raw]));
  for (const e of actual) assert.equal(e.CloudTrailEvent, raw.get(e.EventId));
}

void describe('AWS JSON 1.1 protocol, SigV4 and SearchEvents over raw HTTP', () => {
  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-protocol-'));
    importFixtures(dataDir, [STRATUS]);
    eventsA = (byAccountRegion(stratusFiles().flatMap(fixtureEvents)).get(`${A.account}/${A.region}`) ?? []).filter((e) => e.category === 'Management');
    assert.equal(eventsA.length, 45);
    cairn = await CairnProcess.start([], dataDir);
    admin = { ...cairn.adminCredentials(), region: 'us-east-1' };
    // Created while the server runs (the first start made the admin key).
    const key = createKey(dataDir, ['--account-id', A.account]);
    signA = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, region: A.region };
  });
  after(async () => {
    await cairn?.dispose();
  });

  void it('GET /health answers 200', async () => {
    const response = await send(cairn.url, 'GET', '/health', {});
    assert.equal(response.status, 200);
    requestId(response);
  });

  void it('a signed LookupEvents succeeds with a JSON 1.1 body', async () => {
    const response = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, JSON.stringify({ MaxResults: 2, EndTime: 1722587036 }), signA);
    requestId(response);
    assert.equal(response.status, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    const body = jsonBody(response) as { Events: WireEvent[]; NextToken?: string };
    assertSameEvents(body.Events, newestFirst(eventsA).slice(0, 2), 'first two');
    assert.equal(typeof body.NextToken, 'string');
    // An empty body is an empty input.
    const empty = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '', admin);
    assert.equal(empty.status, 200, empty.body);
    requestId(empty);
  });

  void it('malformed JSON: 400 SerializationException', async () => {
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": 5', admin), 400, 'SerializationException');
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '[1, 2]', admin), 400, 'SerializationException');
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": "5"}', admin), 400, 'SerializationException');
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"LookupAttributes": {"AttributeKey": "EventName"}}', admin), 400, 'SerializationException');
  });

  void it('unknown X-Amz-Target: 400 UnknownOperationException', async () => {
    assertError(await jsonCall(cairn.url, `${TARGET}.NoSuchOperation`, '{}', admin), 400, 'UnknownOperationException');
    assertError(await jsonCall(cairn.url, 'DynamoDB_20120810.ListTables', '{}', admin), 400, 'UnknownOperationException');
    assertError(await jsonCall(cairn.url, 'Cairn_20261101.NoSuchOperation', '{}', admin), 400, 'UnknownOperationException');
    assertError(await jsonCall(cairn.url, undefined, '{}', admin), 400, 'UnknownOperationException');
  });

  void it('a modelled CloudTrail operation Cairn has not built: an AWS-shaped 400 error, not a crash', async () => {
    for (const [operation, input] of [
      ['GetDashboard', { DashboardId: 'my-dashboard' }],
      ['ListDashboards', {}],
      ['CreateDashboard', { Name: 'my-dashboard' }],
    ] as const) {
      const response = await jsonCall(cairn.url, `${TARGET}.${operation}`, JSON.stringify(input), admin);
      const message = assertError(response, 400, 'UnsupportedOperationException');
      assert.ok(message.includes(operation), message);
      assert.doesNotMatch(response.body, /<html|stack|at \//i);
    }
  });

  void it('a body over 2 MiB: an AWS-shaped error, and the server keeps serving', async () => {
    const big = JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'x'.repeat(2 * 1024 * 1024) }] });
    const response = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, big, admin);
    requestId(response);
    assert.ok(response.status === 413 || response.status === 400, `status ${response.status}`);
    const body = jsonBody(response);
    assert.equal(typeof body.__type, 'string');
    assert.equal(typeof body.message, 'string');
    const after = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": 1}', admin);
    assert.equal(after.status, 200, after.body);
    requestId(after);
  });

  void it('a wrong signature: InvalidSignatureException', async () => {
    const message = assertError(
      await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', { ...admin, secretAccessKey: `${admin.secretAccessKey.slice(0, -1)}${admin.secretAccessKey.endsWith('x') ? 'y' : 'x'}` }),
      400,
      'InvalidSignatureException',
    );
    assert.match(message, /signature we calculated does not match/);
    // A body changed after signing.
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": 1}', admin, {}, '{"MaxResults": 2}'), 400, 'InvalidSignatureException');
    // The same request, untouched, passes.
    const signed = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": 1}', admin);
    assert.equal(signed.status, 200, signed.body);
    requestId(signed);
  });

  void it('an unknown access key: UnrecognizedClientException', async () => {
    assertError(
      await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40), region: 'us-east-1' }),
      400,
      'UnrecognizedClientException',
    );
  });

  void it('X-Amz-Date 20 minutes old: InvalidSignatureException "Signature expired"', async () => {
    const message = assertError(
      await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', { ...admin, signingDate: new Date(Date.now() - 20 * 60_000) }),
      400,
      'InvalidSignatureException',
    );
    assert.match(message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
    const future = assertError(
      await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', { ...admin, signingDate: new Date(Date.now() + 20 * 60_000) }),
      400,
      'InvalidSignatureException',
    );
    assert.match(future, /^Signature not yet current: /);
    // 10 minutes is within the allowed skew.
    const recent = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{"MaxResults": 1}', { ...admin, signingDate: new Date(Date.now() - 10 * 60_000) });
    assert.equal(recent.status, 200, recent.body);
    requestId(recent);
  });

  void it('no signature at all: MissingAuthenticationTokenException', async () => {
    assertError(await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', undefined), 400, 'MissingAuthenticationTokenException');
  });

  void it('SearchEvents with two lookup attributes and Text returns exactly the events matching all of them', async () => {
    const matches = (e: FixtureEvent, text: string): boolean =>
      e.eventSource === 'ssm.amazonaws.com' && e.accessKeyId === 'AKIAAM80VXLJF8NPK4VC' && e.raw.toLowerCase().includes(text.toLowerCase());
    const input = {
      LookupAttributes: [
        { AttributeKey: 'EventSource', AttributeValue: 'ssm.amazonaws.com' },
        { AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAAM80VXLJF8NPK4VC' },
      ],
      Text: 'T08:23:1',
    };
    const expected = eventsA.filter((e) => matches(e, 'T08:23:1'));
    assert.ok(expected.length > 1 && expected.length < 43);
    assertSameEvents(await searchAll(input), expected, 'two attributes + text');
    assertSameEvents(await searchAll({ ...input, MaxResults: 2 }), expected, 'two attributes + text, pages of 2');

    // Text is case-insensitive; attributes are exact.
    const names = eventsA.filter((e) => e.eventName === 'GetCommandInvocation' && e.username === 'christophe');
    assertSameEvents(
      await searchAll({
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'GetCommandInvocation' },
          { AttributeKey: 'Username', AttributeValue: 'christophe' },
        ],
        Text: 'GETCOMMANDINVOCATION',
      }),
      names,
      'case-insensitive text',
    );
    // Attributes that no single event has together: nothing.
    assert.deepEqual(
      await searchAll({
        LookupAttributes: [
          { AttributeKey: 'EventSource', AttributeValue: 'sts.amazonaws.com' },
          { AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAAM80VXLJF8NPK4VC' },
        ],
      }),
      [],
    );
    // Without Text, several attributes alone.
    assertSameEvents(
      await searchAll({
        LookupAttributes: [
          { AttributeKey: 'EventSource', AttributeValue: 'sts.amazonaws.com' },
          { AttributeKey: 'ReadOnly', AttributeValue: 'true' },
          { AttributeKey: 'Username', AttributeValue: 'i-786a3A8B5C0d92eF4' },
        ],
      }),
      eventsA.filter((e) => e.eventSource === 'sts.amazonaws.com' && e.readOnly === true && e.username === 'i-786a3A8B5C0d92eF4'),
      'three attributes',
    );
  });

  void it('SearchEvents validates its input like LookupEvents', async () => {
    const call = (input: Record<string, unknown>): Promise<RawResponse> => jsonCall(cairn.url, SEARCH, JSON.stringify(input), signA);
    assertError(await call({ LookupAttributes: [{ AttributeKey: 'Bogus', AttributeValue: 'x' }] }), 400, 'InvalidLookupAttributesException');
    assertError(await call({ MaxResults: 0 }), 400, 'InvalidMaxResultsException');
    assertError(await call({ MaxResults: 1001 }), 400, 'InvalidMaxResultsException');
    assertError(await call({ StartTime: 1722587036, EndTime: 1722587000 }), 400, 'InvalidTimeRangeException');
    assertError(await call({ EventCategories: ['bogus'] }), 400, 'InvalidEventCategoryException');
    assertError(await call({ NextToken: 'nope' }), 400, 'InvalidNextTokenException');
  });
});
