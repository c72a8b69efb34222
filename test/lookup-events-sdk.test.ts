import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Event, EventCategory, LookupAttributeKey, LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { CloudTrailClient, CloudTrailServiceException, LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { CairnProcess } from './support/cairn-process.js';
import type { FixtureEvent } from './support/fixture-events.js';
import {
  PLASO,
  STREAMALERT_INSIGHTS,
  byAccountRegion,
  fixtureEvents,
  importFixtures,
  isObject,
  lookupOutputLines,
  newestFirst,
  stratusFiles,
  STRATUS,
} from './support/fixture-events.js';

// LookupEvents through the JS SDK v3 against `cairn serve --auth off` (a 12-digit key id acts as that
// account), on imported real CloudTrail datasets. Every expectation is computed from the fixture files.

/** stratus-red-team ec2-steal-instance-credentials: 45 events, IAMUser + AssumedRole, ssm/sts/ec2. */
const A = { account: '017622104382', region: 'us-north-2r' };
/** stratus-red-team ec2-get-password-data: AssumeRole records listing an AWS::IAM::Role resource. */
const B = { account: '457448411975', region: 'apiso-northsouth-3r' };
/** stratus-red-team ssm-retrieve-securestring-parameters: resources without a type. */
const C = { account: '933175858973', region: 'cn-west-3r' };
/** plaso: AWS's own LookupEvents output (Resources as AWS derived them). */
const P = { account: '012345678901', region: 'ap-southeast-2' };
/** streamalert: one Insights record. */
const I = { account: '246337027688', region: 'eu-central-1' };

/** Insights records written for this test, in account A (JSON lines, compact). */
const OWN_INSIGHTS = [
  {
    eventVersion: '1.08',
    eventTime: '2024-08-02T08:30:00Z',
    awsRegion: A.region,
    eventID: 'a1b2c3d4-0000-4000-8000-000000000001',
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: A.account,
    sharedEventID: 'a1b2c3d4-0000-4000-8000-00000000aaaa',
    insightDetails: {
      state: 'Start',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'SendCommand',
      insightType: 'ApiCallRateInsight',
      insightContext: { statistics: { baseline: { average: 0.001 }, insight: { average: 5 }, baselineDuration: 10080 }, attributions: [] },
    },
    eventCategory: 'Insight',
  },
  {
    eventVersion: '1.08',
    eventTime: '2024-08-02T08:35:00Z',
    awsRegion: A.region,
    eventID: 'a1b2c3d4-0000-4000-8000-000000000002',
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: A.account,
    sharedEventID: 'a1b2c3d4-0000-4000-8000-00000000aaaa',
    insightDetails: {
      state: 'End',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'SendCommand',
      insightType: 'ApiCallRateInsight',
      insightContext: { statistics: { baseline: { average: 0.001 }, insight: { average: 2 }, insightDuration: 5, baselineDuration: 10080 }, attributions: [] },
    },
    eventCategory: 'Insight',
  },
  {
    eventVersion: '1.08',
    eventTime: '2024-08-02T08:40:00Z',
    awsRegion: A.region,
    eventID: 'a1b2c3d4-0000-4000-8000-000000000003',
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: A.account,
    sharedEventID: 'a1b2c3d4-0000-4000-8000-00000000bbbb',
    insightDetails: {
      state: 'Start',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      insightType: 'ApiErrorRateInsight',
      errorCode: 'AccessDenied',
      insightContext: { statistics: { baseline: { average: 0 }, insight: { average: 3 }, baselineDuration: 10080 }, attributions: [] },
    },
    eventCategory: 'Insight',
  },
];

let cairn: CairnProcess;
let all: FixtureEvent[];
let groups: Map<string, FixtureEvent[]>;
/** Cairn's own calls are recorded at (or after) this time, to the second. */
let since: number;
let inputDir = '';

const clients = new Map<string, CloudTrailClient>();
const FULL_PREFIX = 'com.amazonaws.cloudtrail.v20131101.';

function newClient(account: string, region: string): CloudTrailClient {
  return new CloudTrailClient({ endpoint: cairn.url, region, credentials: { accessKeyId: account, secretAccessKey: 'emulator-secret' }, maxAttempts: 1 });
}

/**
 * SDK clients for the behaviour tests. @aws-sdk/client-cloudtrail 3.113x sends the short
 * `X-Amz-Target: CloudTrail_20131101.<Op>`, which Cairn does not accept yet (see the test
 * "accepts the X-Amz-Target the JS SDK sends"); these clients rewrite it to botocore's namespaced
 * form before signing, so everything else is still tested through the SDK.
 */
function client(account: string, region: string): CloudTrailClient {
  const key = `${account}/${region}`;
  let c = clients.get(key);
  if (!c) {
    c = newClient(account, region);
    c.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        const target = request.headers?.['x-amz-target'];
        if (request.headers && target?.startsWith('CloudTrail_20131101.')) request.headers['x-amz-target'] = FULL_PREFIX + target;
        return next(args);
      },
      { step: 'build', name: 'namespacedTarget', priority: 'low' },
    );
    clients.set(key, c);
  }
  return c;
}

function group(scope: { account: string; region: string }, category: FixtureEvent['category'] = 'Management'): FixtureEvent[] {
  return (groups.get(`${scope.account}/${scope.region}`) ?? []).filter((e) => e.category === category);
}

async function lookupAll(scope: { account: string; region: string }, input: LookupEventsCommandInput, pageSize?: number): Promise<Event[]> {
  const events: Event[] = [];
  const config = pageSize === undefined ? { client: client(scope.account, scope.region) } : { client: client(scope.account, scope.region), pageSize };
  for await (const page of paginateLookupEvents(config, input)) events.push(...(page.Events ?? []));
  return events;
}

function isOwn(e: Event): boolean {
  return e.EventSource === 'cloudtrail.amazonaws.com' && (e.EventTime?.getTime() ?? 0) >= since;
}

/** Cairn records its own API calls: they are the newest, so they must all come first. Returns the rest. */
function withoutOwn(events: Event[]): Event[] {
  let k = 0;
  while (k < events.length && isOwn(events[k] as Event)) k++;
  const rest = events.slice(k);
  assert.equal(rest.filter(isOwn).length, 0, 'Cairn API events must come before older events (newest first)');
  return rest;
}

/** Exactly the expected events, newest first (ties in any order), each with its record text byte for byte. */
function assertSameEvents(actual: Event[], expected: FixtureEvent[], what: string): void {
  const ids = actual.map((e) => e.EventId ?? '');
  assert.equal(new Set(ids).size, ids.length, `${what}: an event came twice`);
  assert.deepEqual([...ids].sort(), expected.map((e) => e.eventId).sort(), `${what}: event ids`);
  assert.deepEqual(
    actual.map((e) => e.EventTime?.toISOString()),
    newestFirst(expected).map((e) => new Date(e.eventTime).toISOString()),
    `${what}: newest-first order`,
  );
  const byId = new Map(expected.map((e) => [e.eventId, e]));
  for (const e of actual) assert.equal(e.CloudTrailEvent, byId.get(e.EventId ?? '')?.raw, `${what}: CloudTrailEvent of ${e.EventId ?? ''}`);
}

async function expectError(call: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof CloudTrailServiceException, `expected a service error, got ${String(error)}`);
    assert.equal(error.name, name);
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.$fault, 'client');
    assert.match(error.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    return true;
  });
}

const lookup = (scope: { account: string; region: string }, input: LookupEventsCommandInput): Promise<LookupEventsCommandOutput> =>
  client(scope.account, scope.region).send(new LookupEventsCommand(input));

function attr(key: string, value: string): LookupEventsCommandInput['LookupAttributes'] {
  return [{ AttributeKey: key as LookupAttributeKey, AttributeValue: value }];
}

const maxTime = (events: FixtureEvent[]): Date => new Date(Math.max(...events.map((e) => e.eventTime)));

void describe('LookupEvents through @aws-sdk/client-cloudtrail on imported fixtures', () => {
  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-sdk-'));
    inputDir = mkdtempSync(join(tmpdir(), 'cairn-sdk-input-'));
    const insightsFile = join(inputDir, 'insights.json');
    writeFileSync(insightsFile, OWN_INSIGHTS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    importFixtures(dataDir, [STRATUS, PLASO, STREAMALERT_INSIGHTS, insightsFile]);
    all = [...stratusFiles().flatMap(fixtureEvents), ...fixtureEvents(PLASO), ...fixtureEvents(STREAMALERT_INSIGHTS), ...fixtureEvents(insightsFile)];
    groups = byAccountRegion(all);
    assert.equal(group(A).length, 45);
    assert.equal(group(A, 'Insight').length, 3);
    since = Math.floor(Date.now() / 1000) * 1000;
    cairn = await CairnProcess.start(['--auth', 'off'], dataDir);
  });
  after(async () => {
    for (const c of clients.values()) c.destroy();
    await cairn?.dispose();
    rmSync(inputDir, { recursive: true, force: true });
  });

  void it('accepts the X-Amz-Target the JS SDK sends (CloudTrail_20131101.LookupEvents)', async () => {
    const plain = newClient(A.account, A.region);
    try {
      const output = await plain.send(new LookupEventsCommand({ EndTime: maxTime(group(A)), MaxResults: 3 }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assertSameEvents(output.Events ?? [], newestFirst(group(A)).slice(0, 3), 'first page');
    } finally {
      plain.destroy();
    }
  });

  void it('answers every (account, region) of the fixtures with exactly its management events', async () => {
    assert.ok(groups.size >= 35, `fixtures hold ${groups.size} account/region pairs`);
    for (const [key, events] of groups) {
      const [account = '', region = ''] = key.split('/');
      const management = events.filter((e) => e.category === 'Management');
      assertSameEvents(withoutOwn(await lookupAll({ account, region }, {})), management, key);
    }
  });

  void it('is scoped to the caller account and region', async () => {
    assert.deepEqual(withoutOwn(await lookupAll({ account: A.account, region: 'us-east-1' }, {})), []);
    assert.deepEqual(withoutOwn(await lookupAll({ account: '999999999999', region: A.region }, {})), []);
    const foreign = group(B)[0] as FixtureEvent;
    assert.deepEqual(await lookupAll(A, { LookupAttributes: attr('EventId', foreign.eventId) }), []);
  });

  void it('EventId returns exactly that event', async () => {
    for (const e of group(A)) {
      const got = await lookupAll(A, { LookupAttributes: attr('EventId', e.eventId) });
      assertSameEvents(got, [e], `EventId ${e.eventId}`);
    }
  });

  void it('EventName returns exactly the events of that name (management only)', async () => {
    const names = new Set(group(A).map((e) => e.eventName));
    assert.ok(names.size >= 5);
    for (const name of names) {
      const got = withoutOwn(await lookupAll(A, { LookupAttributes: attr('EventName', name) }));
      assertSameEvents(got, group(A).filter((e) => e.eventName === name), `EventName ${name}`);
    }
    assert.deepEqual(await lookupAll(A, { LookupAttributes: attr('EventName', 'describeinstanceinformation') }), [], 'match is case-sensitive');
  });

  void it('ReadOnly returns exactly the read or the write events', async () => {
    const writes = group(A).filter((e) => e.readOnly === false);
    assert.equal(writes.length, 1);
    assertSameEvents(await lookupAll(A, { LookupAttributes: attr('ReadOnly', 'false') }), writes, 'ReadOnly false');
    const reads = withoutOwn(await lookupAll(A, { LookupAttributes: attr('ReadOnly', 'true') }));
    assertSameEvents(reads, group(A).filter((e) => e.readOnly === true), 'ReadOnly true');
  });

  void it('Username returns exactly the events of that user or role session', async () => {
    const users = new Set(group(A).map((e) => e.username ?? ''));
    assert.deepEqual([...users].sort(), ['christophe', 'i-786a3A8B5C0d92eF4']);
    for (const user of users) {
      assertSameEvents(await lookupAll(A, { LookupAttributes: attr('Username', user) }), group(A).filter((e) => e.username === user), `Username ${user}`);
    }
    // Cairn's own calls here are signed by the account's root (emulator mode).
    const root = await lookupAll(A, { LookupAttributes: attr('Username', 'root') });
    assert.ok(root.length > 0 && root.every(isOwn), 'Username root finds only the root calls made to Cairn');
  });

  void it('ResourceType returns exactly the events listing a resource of that type', async () => {
    const roles = group(B).filter((e) => e.recordResources.some((r) => r.type === 'AWS::IAM::Role'));
    assert.equal(roles.length, 2);
    const got = await lookupAll(B, { LookupAttributes: attr('ResourceType', 'AWS::IAM::Role') });
    assertSameEvents(got, roles, 'ResourceType AWS::IAM::Role');
    for (const e of got) {
      assert.ok(e.Resources?.some((r) => r.ResourceType === 'AWS::IAM::Role' && r.ResourceName === 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role'));
    }
  });

  void it('ResourceName returns exactly the events listing that resource (typed or not)', async () => {
    const roleArn = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
    assertSameEvents(
      await lookupAll(B, { LookupAttributes: attr('ResourceName', roleArn) }),
      group(B).filter((e) => e.recordResources.some((r) => r.name === roleArn)),
      'ResourceName role',
    );
    const parameterArn = 'arn:aws:ssm:cn-west-3r:933175858973:parameter/credentials/stratus-red-team/credentials-12';
    const expected = group(C).filter((e) => e.recordResources.some((r) => r.name === parameterArn));
    assert.equal(expected.length, 1);
    const got = await lookupAll(C, { LookupAttributes: attr('ResourceName', parameterArn) });
    assertSameEvents(got, expected, 'ResourceName parameter');
    // The record lists it without a type: the Event's resource has no ResourceType.
    assert.deepEqual(
      got[0]?.Resources?.find((r) => r.ResourceName === parameterArn),
      { ResourceName: parameterArn },
    );
    assert.deepEqual(got[0]?.Resources, expected[0]?.recordResources.map((r) => (r.type ? { ResourceType: r.type, ResourceName: r.name } : { ResourceName: r.name })));
    assert.equal(got[0]?.Resources?.length, 2);
  });

  void it('EventSource returns exactly the events of that service (management only)', async () => {
    for (const source of new Set(group(A).map((e) => e.eventSource))) {
      const got = await lookupAll(A, { LookupAttributes: attr('EventSource', source) });
      assertSameEvents(got, group(A).filter((e) => e.eventSource === source), `EventSource ${source}`);
    }
  });

  void it('AccessKeyId returns exactly the events signed with that key', async () => {
    const keys = new Set(group(A).map((e) => e.accessKeyId ?? ''));
    assert.deepEqual([...keys].sort(), ['AKIAAM80VXLJF8NPK4VC', 'ASIAP5CT9NN8EYVU1FXV']);
    for (const key of keys) {
      assertSameEvents(await lookupAll(A, { LookupAttributes: attr('AccessKeyId', key) }), group(A).filter((e) => e.accessKeyId === key), `AccessKeyId ${key}`);
    }
  });

  void it('StartTime and EndTime are inclusive at exact event times', async () => {
    const at = (iso: string): number => Date.parse(iso);
    const t1 = at('2024-08-02T08:23:24Z');
    const t2 = at('2024-08-02T08:23:54Z');
    assert.equal(group(A).filter((e) => e.eventTime === t1).length, 2);
    const inRange = (s: number, e: number): FixtureEvent[] => group(A).filter((x) => x.eventTime >= s && x.eventTime <= e);
    assertSameEvents(await lookupAll(A, { StartTime: new Date(t1), EndTime: new Date(t2) }), inRange(t1, t2), '[t1, t2]');
    assertSameEvents(await lookupAll(A, { StartTime: new Date(t1), EndTime: new Date(t1) }), inRange(t1, t1), '[t1, t1]');
    assertSameEvents(await lookupAll(A, { StartTime: new Date(t1 + 1), EndTime: new Date(t2 - 1) }), inRange(t1 + 1, t2 - 1), '(t1, t2)');
    assertSameEvents(withoutOwn(await lookupAll(A, { StartTime: new Date(t2) })), inRange(t2, Infinity), 'from t2');
    assertSameEvents(await lookupAll(A, { EndTime: new Date(t1) }), inRange(0, t1), 'until t1');
  });

  void it('MaxResults paging yields every event exactly once, newest first', async () => {
    const end = maxTime(group(A));
    for (const size of [1, 7, 44, 45, 50]) {
      assertSameEvents(await lookupAll(A, { EndTime: end }, size), group(A), `MaxResults ${size}`);
    }
    const ssm = group(A).filter((e) => e.eventSource === 'ssm.amazonaws.com');
    assertSameEvents(await lookupAll(A, { LookupAttributes: attr('EventSource', 'ssm.amazonaws.com') }, 5), ssm, 'EventSource pages of 5');
    const first = await lookup(A, { EndTime: end, MaxResults: 10 });
    assert.equal(first.Events?.length, 10);
    assert.equal(typeof first.NextToken, 'string');
    const last = await lookup(A, { EndTime: end, MaxResults: 50 });
    assert.equal(last.Events?.length, 45);
    assert.equal(last.NextToken, undefined, 'no NextToken when every event fits');
  });

  void it('the same NextToken sent again gives the same page', async () => {
    const input = { EndTime: maxTime(group(A)), MaxResults: 10 };
    const first = await lookup(A, input);
    const token = first.NextToken;
    assert.ok(token);
    const again = await lookup(A, { ...input, NextToken: token });
    const third = await lookup(A, { ...input, NextToken: token });
    assert.deepEqual(third.Events, again.Events);
    assert.equal(third.NextToken, again.NextToken);
    assert.equal(again.Events?.length, 10);
    assert.equal(new Set([...(first.Events ?? []), ...(again.Events ?? [])].map((e) => e.EventId)).size, 20);
  });

  void it('Event shape: ReadOnly string, EventTime Date, optional members omitted, CloudTrailEvent byte for byte', async () => {
    const got = await lookupAll(A, { EndTime: maxTime(group(A)) });
    const byId = new Map(group(A).map((e) => [e.eventId, e]));
    assert.equal(got.length, 45);
    for (const event of got) {
      const e = byId.get(event.EventId ?? '');
      assert.ok(e);
      const expected: Record<string, unknown> = { EventId: e.eventId, EventName: e.eventName };
      if (e.readOnly !== undefined) expected.ReadOnly = String(e.readOnly);
      if (e.accessKeyId) expected.AccessKeyId = e.accessKeyId;
      expected.EventTime = new Date(e.eventTime);
      expected.EventSource = e.eventSource;
      if (e.username) expected.Username = e.username;
      expected.CloudTrailEvent = e.raw;
      const { Resources, ...rest } = event;
      assert.deepEqual(rest, expected);
      assert.ok(rest.EventTime instanceof Date);
      assert.ok(Array.isArray(Resources));
      for (const r of Resources) {
        assert.equal(typeof r.ResourceName, 'string');
        assert.ok(r.ResourceType === undefined || typeof r.ResourceType === 'string');
      }
    }
    // Every resource AWS wrote into a record is listed by the Event.
    for (const event of await lookupAll(C, {})) {
      const e = group(C).find((x) => x.eventId === event.EventId);
      for (const r of e?.recordResources ?? []) {
        assert.ok(event.Resources?.some((x) => x.ResourceName === r.name && x.ResourceType === r.type), `${r.name} listed`);
      }
    }
  });

  void it('Events match what AWS LookupEvents itself returned for the same records (plaso capture)', async () => {
    const aws = lookupOutputLines(PLASO);
    const got = withoutOwn(await lookupAll(P, {}));
    assertSameEvents(got, group(P), 'plaso');
    const resourceDifferences: Record<string, { cairn: string[]; aws: string[] }> = {};
    for (const event of got) {
      const truth = aws.get(event.EventId ?? '');
      assert.ok(truth && isObject(truth));
      const name = typeof truth.EventName === 'string' ? truth.EventName : '';
      const { Resources, EventTime, ...rest } = event;
      const expected: Record<string, unknown> = { ...truth };
      delete expected.Resources;
      delete expected.EventTime;
      assert.deepEqual(rest, expected, `${name}: members other than Resources`);
      assert.equal(typeof truth.EventTime, 'string');
      assert.equal(EventTime?.getTime(), Date.parse((truth.EventTime as string).replace(' ', 'T')), `${name}: EventTime`);
      // The capture anonymised CreateSecurityGroup's vpcId differently in the record and in Resources.
      if (name === 'CreateSecurityGroup') continue;
      const key = (r: { ResourceType?: unknown; ResourceName?: unknown }): string => `${String(r.ResourceType)} ${String(r.ResourceName)}`;
      const awsResources = Array.isArray(truth.Resources) ? truth.Resources.filter(isObject).map(key).sort() : [];
      const cairnResources = (Resources ?? []).map(key).sort();
      if (JSON.stringify(cairnResources) !== JSON.stringify(awsResources)) {
        resourceDifferences[name] = { cairn: cairnResources, aws: awsResources };
      }
    }
    assert.deepEqual(resourceDifferences, {}, 'Resources as AWS listed them (order aside)');
  });

  void it('EventCategory=insight returns only Insights events, and they never appear otherwise', async () => {
    const streamalert = group(I, 'Insight');
    assert.equal(streamalert.length, 1);
    const got = await lookupAll(I, { EventCategory: 'insight' });
    assertSameEvents(got, streamalert, 'streamalert insight');
    const only = streamalert[0] as FixtureEvent;
    assert.deepEqual(
      { ...got[0], Resources: undefined },
      { EventId: only.eventId, EventName: 'CompleteLifecycleAction', EventTime: new Date(only.eventTime), EventSource: 'autoscaling.amazonaws.com', CloudTrailEvent: only.raw, Resources: undefined },
    );
    assert.deepEqual(withoutOwn(await lookupAll(I, {})), [], 'no management events there');

    const insights = group(A, 'Insight');
    assertSameEvents(await lookupAll(A, { EventCategory: 'insight' }), insights, 'A insights');
    assertSameEvents(await lookupAll(A, { EventCategory: 'insight' }, 1), insights, 'A insights, pages of 1');
    const sendCommand = insights.filter((e) => e.eventName === 'SendCommand');
    assertSameEvents(await lookupAll(A, { EventCategory: 'insight', LookupAttributes: attr('EventName', 'SendCommand') }), sendCommand, 'insight EventName');
    assertSameEvents(
      await lookupAll(A, { EventCategory: 'insight', LookupAttributes: attr('EventSource', 'ec2.amazonaws.com') }),
      insights.filter((e) => e.eventSource === 'ec2.amazonaws.com'),
      'insight EventSource',
    );
    assertSameEvents(await lookupAll(A, { EventCategory: 'insight', LookupAttributes: attr('EventId', OWN_INSIGHTS[1]?.eventID ?? '') }), [insights.find((e) => e.eventId === OWN_INSIGHTS[1]?.eventID) as FixtureEvent], 'insight EventId');
    assertSameEvents(
      await lookupAll(A, { EventCategory: 'insight', StartTime: new Date('2024-08-02T08:35:00Z'), EndTime: new Date('2024-08-02T08:40:00Z') }),
      insights.filter((e) => e.eventTime >= Date.parse('2024-08-02T08:35:00Z')),
      'insight time range',
    );
    // Management events of the same name stay out of the insight view, and the reverse.
    assertSameEvents(await lookupAll(A, { LookupAttributes: attr('EventName', 'SendCommand') }), group(A).filter((e) => e.eventName === 'SendCommand'), 'management SendCommand');
  });

  void it('records each call to Cairn as a management event of the caller', async () => {
    const c = client(A.account, A.region);
    let userAgent: string | undefined;
    c.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        userAgent = request.headers?.['user-agent'];
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureUserAgent' },
    );
    try {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const output = await c.send(new LookupEventsCommand({ LookupAttributes: attr('EventName', 'NoSuchEventName'), MaxResults: 7 }));
      const afterCall = Date.now();
      assert.deepEqual(output.Events, []);
      const requestId = output.$metadata.requestId;
      assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(userAgent?.includes('aws-sdk-js/'), `SDK user agent: ${String(userAgent)}`);

      const recorded = await lookupAll(A, { LookupAttributes: attr('EventName', 'LookupEvents'), StartTime: new Date(before) });
      const matches = recorded.filter((e) => (JSON.parse(e.CloudTrailEvent ?? '{}') as { requestID?: string }).requestID === requestId);
      assert.equal(matches.length, 1, 'exactly one event has the requestID the SDK saw');
      const event = matches[0] as Event;
      assert.equal(event.EventName, 'LookupEvents');
      assert.equal(event.EventSource, 'cloudtrail.amazonaws.com');
      assert.equal(event.ReadOnly, 'true');
      assert.equal(event.Username, 'root');
      assert.equal(event.AccessKeyId, A.account);
      const time = event.EventTime?.getTime() ?? 0;
      assert.ok(time >= before && time <= afterCall, 'EventTime is when the call was made');
      const record = JSON.parse(event.CloudTrailEvent ?? '{}') as Record<string, unknown>;
      assert.deepEqual(record.userIdentity, {
        type: 'Root',
        principalId: A.account,
        arn: `arn:aws:iam::${A.account}:root`,
        accountId: A.account,
        accessKeyId: A.account,
      });
      assert.deepEqual(record.requestParameters, { lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'NoSuchEventName' }], maxResults: 7 });
      assert.equal(record.responseElements, null);
      assert.equal(record.sourceIPAddress, '127.0.0.1');
      assert.equal(record.userAgent, userAgent);
      assert.equal(record.eventID, event.EventId);
      assert.equal(record.eventTime, new Date(time).toISOString().replace('.000Z', 'Z'));
      assert.equal(record.awsRegion, A.region);
      assert.equal(record.recipientAccountId, A.account);
      assert.equal(record.readOnly, true);
      assert.equal(record.managementEvent, true);
      assert.equal(record.eventType, 'AwsApiCall');
      assert.equal(record.eventCategory, 'Management');
      assert.equal(record.errorCode, undefined);

      // A rejected call is recorded too, with its error.
      let failedId: string | undefined;
      await assert.rejects(c.send(new LookupEventsCommand({ MaxResults: 51 })), (error: unknown) => {
        assert.ok(error instanceof CloudTrailServiceException);
        failedId = error.$metadata.requestId;
        return true;
      });
      const failures = await lookupAll(A, { LookupAttributes: attr('EventName', 'LookupEvents'), StartTime: new Date(before) });
      const failed = failures.map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>).find((r) => r.requestID === failedId);
      assert.ok(failed, 'the failed call is recorded');
      assert.equal(failed.errorCode, 'InvalidMaxResultsException');
      assert.equal(typeof failed.errorMessage, 'string');
      assert.deepEqual(failed.requestParameters, { maxResults: 51 });
    } finally {
      c.middlewareStack.remove('captureUserAgent');
    }
  });

  void describe('errors', () => {
    void it('two lookup attributes: InvalidLookupAttributesException', async () => {
      await expectError(
        lookup(A, {
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'SendCommand' },
            { AttributeKey: 'Username', AttributeValue: 'christophe' },
          ],
        }),
        'InvalidLookupAttributesException',
      );
    });

    void it('unknown attribute key: InvalidLookupAttributesException', async () => {
      await expectError(lookup(A, { LookupAttributes: attr('UserName', 'christophe') }), 'InvalidLookupAttributesException');
      await expectError(lookup(A, { LookupAttributes: attr('eventname', 'SendCommand') }), 'InvalidLookupAttributesException');
    });

    void it('empty or too long attribute value: InvalidLookupAttributesException', async () => {
      await expectError(lookup(A, { LookupAttributes: attr('EventName', '') }), 'InvalidLookupAttributesException');
      // `_` counts twice: 1000 of them are the 2000-character maximum, 1001 are over it.
      await expectError(lookup(A, { LookupAttributes: attr('EventName', '_'.repeat(1001)) }), 'InvalidLookupAttributesException');
      await expectError(lookup(A, { LookupAttributes: attr('EventName', 'a'.repeat(2001)) }), 'InvalidLookupAttributesException');
      const ok = await lookup(A, { LookupAttributes: attr('EventName', '_'.repeat(1000)) });
      assert.deepEqual(ok.Events, []);
    });

    void it('MaxResults outside 1..50: InvalidMaxResultsException', async () => {
      await expectError(lookup(A, { MaxResults: 0 }), 'InvalidMaxResultsException');
      await expectError(lookup(A, { MaxResults: 51 }), 'InvalidMaxResultsException');
      await expectError(lookup(A, { MaxResults: -1 }), 'InvalidMaxResultsException');
    });

    void it('StartTime after EndTime: InvalidTimeRangeException', async () => {
      await expectError(lookup(A, { StartTime: new Date('2024-08-02T08:23:25Z'), EndTime: new Date('2024-08-02T08:23:24Z') }), 'InvalidTimeRangeException');
    });

    void it('tampered or foreign NextToken: InvalidNextTokenException', async () => {
      const input = { EndTime: maxTime(group(A)), MaxResults: 5 };
      const token = (await lookup(A, input)).NextToken;
      assert.ok(token && token.length > 8);
      const mid = Math.floor(token.length / 3);
      const tampered = token.slice(0, mid) + (token[mid] === 'A' ? 'B' : 'A') + token.slice(mid + 1);
      await expectError(lookup(A, { ...input, NextToken: tampered }), 'InvalidNextTokenException');
      await expectError(lookup(A, { ...input, NextToken: 'not-a-token' }), 'InvalidNextTokenException');
      await expectError(lookup(A, { ...input, NextToken: token.slice(0, -2) }), 'InvalidNextTokenException');
      // The token still works untouched.
      assert.equal((await lookup(A, { ...input, NextToken: token })).Events?.length, 5);
    });

    void it('NextToken reused with different parameters: InvalidNextTokenException', async () => {
      const input = { EndTime: maxTime(group(A)), MaxResults: 5 };
      const token = (await lookup(A, input)).NextToken;
      assert.ok(token);
      await expectError(lookup(A, { ...input, NextToken: token, LookupAttributes: attr('EventSource', 'ssm.amazonaws.com') }), 'InvalidNextTokenException');
      await expectError(lookup(A, { ...input, NextToken: token, EndTime: new Date('2024-08-02T08:23:00Z') }), 'InvalidNextTokenException');
      await expectError(lookup(A, { ...input, NextToken: token, StartTime: new Date('2024-08-02T08:00:00Z') }), 'InvalidNextTokenException');
      await expectError(lookup(A, { ...input, NextToken: token, EventCategory: 'insight' }), 'InvalidNextTokenException');
      // Another account or region with the same parameters.
      await expectError(lookup({ account: B.account, region: A.region }, { ...input, NextToken: token }), 'InvalidNextTokenException');
      await expectError(lookup({ account: A.account, region: 'us-east-1' }, { ...input, NextToken: token }), 'InvalidNextTokenException');
    });

    void it('EventCategory other than insight: InvalidEventCategoryException', async () => {
      await expectError(lookup(A, { EventCategory: 'management' as EventCategory }), 'InvalidEventCategoryException');
      await expectError(lookup(A, { EventCategory: 'Insight' as EventCategory }), 'InvalidEventCategoryException');
    });
  });
});
