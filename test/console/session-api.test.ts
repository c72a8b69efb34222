/**
 * The console's server side over HTTP (no browser): sessions and their expiry, sign-out, the
 * same-origin guard, authorisation as the session's principal (its account and region only), and
 * the ConsoleLogin and console-call records, checked through the real API with the AWS SDK.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { ConsoleServer } from './setup.js';
import { ACCOUNT, lookupAll, REAL_REGION, startConsoleServer } from './setup.js';

const TTL_SECONDS = 2;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
}

function records(events: Event[]): Record<string, unknown>[] {
  return events.map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>);
}

void describe('console sessions and authorisation', () => {
  let server: ConsoleServer;
  let api: (method: string, path: string, body?: unknown, cookie?: string, headers?: Record<string, string>) => Promise<Reply>;

  const signIn = async (accessKeyId: string, secretAccessKey: string, region = REAL_REGION): Promise<{ reply: Reply; cookie: string }> => {
    const reply = await api('POST', 'session', { accessKeyId, secretAccessKey, region });
    return { reply, cookie: reply.setCookie?.split(';')[0] ?? '' };
  };

  before(async () => {
    server = await startConsoleServer(['--console-session-ttl', String(TTL_SECONDS)]);
    api = async (method, path, body, cookie, headers = { 'X-Cairn-Console': '1' }) => {
      const response = await fetch(`${server.cairn.url}/console/api/${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers, ...(cookie ? { Cookie: cookie } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, setCookie: response.headers.get('set-cookie') };
    };
  });

  after(async () => {
    await server?.cairn.dispose();
  });

  void it('issues an HttpOnly, SameSite=Strict cookie that expires, and the session ends with it', async () => {
    const { reply, cookie } = await signIn(server.alice.accessKeyId, server.alice.secretAccessKey);
    assert.equal(reply.status, 200);
    assert.match(reply.setCookie ?? '', /HttpOnly/);
    assert.match(reply.setCookie ?? '', /SameSite=Strict/);
    assert.match(reply.setCookie ?? '', new RegExp(`Max-Age=${TTL_SECONDS}`));
    assert.equal((await api('GET', 'session', undefined, cookie)).status, 200);
    assert.equal((await api('POST', 'call/DescribeTrails', {}, cookie)).status, 200);
    await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000 + 300));
    const expired = await api('POST', 'call/DescribeTrails', {}, cookie);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.__type, 'NotSignedIn');
  });

  void it('signs out: the cookie is cleared and the session no longer authorises anything', async () => {
    const { cookie } = await signIn(server.alice.accessKeyId, server.alice.secretAccessKey);
    const out = await api('DELETE', 'session', undefined, cookie);
    assert.equal(out.status, 200);
    assert.match(out.setCookie ?? '', /Max-Age=0/);
    assert.equal((await api('POST', 'call/LookupEvents', {}, cookie)).status, 401);
  });

  void it('refuses calls without the console header (a cross-site form cannot send it) and without a session', async () => {
    const { cookie } = await signIn(server.alice.accessKeyId, server.alice.secretAccessKey);
    assert.equal((await api('POST', 'call/LookupEvents', {}, cookie, {})).status, 403);
    assert.equal((await api('POST', 'call/LookupEvents', {})).status, 401);
    assert.equal((await api('POST', 'call/NoSuchOperation', {}, cookie)).body.__type, 'UnknownOperationException');
  });

  void it('answers bad input with AWS-shaped 4xx errors and never serves files outside the app', async () => {
    const response = await fetch(`${server.cairn.url}/console/api/session`, { method: 'POST', headers: { 'X-Cairn-Console': '1' }, body: '{not json' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { __type: string }).__type, 'SerializationException');
    const empty = await api('POST', 'session', { accessKeyId: '', secretAccessKey: '' });
    assert.equal(empty.status, 400);
    for (const path of ['/console/..%2f..%2fpackage.json', '/console/%2e%2e/%2e%2e/package.json', '/console/%E0%A4%A']) {
      const reply = await fetch(`${server.cairn.url}${path}`);
      const text = await reply.text();
      assert.ok(!text.includes('"name": "cairn"'), `${path} must not serve package.json`);
    }
    const app = await fetch(`${server.cairn.url}/console/events?filter=EventName:RunInstances`);
    assert.equal(app.status, 200);
    assert.match(app.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await app.text(), /<div id="root">/);
  });

  void it("authorises each call as the session's principal: its account and region only", async () => {
    const { cookie } = await signIn(server.alice.accessKeyId, server.alice.secretAccessKey, REAL_REGION);
    const mine = await api('POST', 'call/SearchEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }], MaxResults: 1000 }, cookie);
    const expected = await lookupAll(server.client(REAL_REGION), 'EventName', 'RunInstances');
    assert.deepEqual((mine.body.Events as { EventId: string }[]).map((e) => e.EventId), expected.map((e) => e.EventId));
    // The admin (root of another account) sees none of alice's account's events.
    const admin = server.cairn.adminCredentials();
    const other = await signIn(admin.accessKeyId, admin.secretAccessKey, REAL_REGION);
    const theirs = await api('POST', 'call/SearchEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }] }, other.cookie);
    assert.deepEqual(theirs.body.Events, []);
    // A trail made through the console belongs to the principal's account and is recorded under it.
    const created = await api('POST', 'call/CreateTrail', { Name: 'session-trail', S3BucketName: 'console-e2e-bucket' }, cookie);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.TrailARN, `arn:aws:cloudtrail:${REAL_REGION}:${ACCOUNT}:trail/session-trail`);
    const recorded = records(await lookupAll(server.client(REAL_REGION), 'EventName', 'CreateTrail'));
    const call = recorded.find((r) => (r.requestParameters as { name?: string } | null)?.name === 'session-trail');
    assert.ok(call, 'the console call is in event history');
    assert.equal((call.userIdentity as { arn?: string }).arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.equal(call.readOnly, false);
    const refused = await api('POST', 'call/CreateTrail', { Name: 'no-bucket-trail' }, cookie);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.__type, 'InvalidParameterException', 'errors come back AWS-shaped');
    assert.equal(refused.body.message, 'S3BucketName is required.');
  });

  void it('records an unknown key as a failed ConsoleLogin with the hidden user name, as AWS does', async () => {
    const { reply } = await signIn('AKIANOSUCHKEY0000000', 'whatever', 'us-east-1');
    assert.equal(reply.status, 401);
    assert.equal(reply.setCookie, null);
    // Unknown keys name no account: the event is the default account's (the admin's).
    const admin = server.cairn.adminCredentials();
    const client = new CloudTrailClient({ endpoint: server.cairn.url, region: 'us-east-1', credentials: admin });
    const out = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] }));
    const failed = records(out.Events ?? []).find((r) => r.errorMessage === 'Failed authentication');
    assert.ok(failed);
    assert.deepEqual(failed.userIdentity, { type: 'IAMUser', principalId: '', accountId: '123456789012', accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
    assert.deepEqual(failed.responseElements, { ConsoleLogin: 'Failure' });
    assert.equal(failed.requestParameters, null);
    assert.equal(failed.readOnly, false);
  });
});
