import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AwsCliDriver } from './support/aws-cli-driver.js';
import type { Credentials } from './support/cairn-process.js';
import { CLI, CairnProcess } from './support/cairn-process.js';
import type { FixtureEvent } from './support/fixture-events.js';
import { STRATUS, byAccountRegion, createKey, fixtureEvents, importFixtures, newestFirst, stratusFiles } from './support/fixture-events.js';
import { requireProgram } from './support/programs.js';
import { jsonBody, jsonCall } from './support/raw-http.js';
import { CREDENTIAL_CACHE_TTL_MS } from '../src/auth/index.js';

// The `cairn` command line against a running `cairn serve` whose first start made the admin key of
// the dataset's account (so `cairn lookup-events --data-dir` finds it in admin-key.env).

const A = { account: '017622104382', region: 'us-north-2r' };
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

interface CliEvent {
  EventId: string;
  EventTime: number;
  EventName: string;
  EventSource: string;
  Username?: string;
  CloudTrailEvent: string;
}
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const skipAws = requireProgram('aws');

let cairn: CairnProcess;
let dataDir = '';
let eventsA: FixtureEvent[];
let adminKey: Credentials;
let since = 0;
/** (cairn, aws) --max-items NextTokens printed for the same query. */
const tokenPairs: [string, string][] = [];

/** `node dist/cli/main.js ...` with no AWS_* or CAIRN_* variables unless given. */
function cairnCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CAIRN_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function lookupEvents(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return cairnCli(['lookup-events', '--endpoint-url', cairn.url, '--data-dir', dataDir, ...args], env);
}

async function lookupJson(args: string[], env: Record<string, string> = {}): Promise<{ Events: CliEvent[]; NextToken?: string }> {
  const result = await lookupEvents(args, env);
  assert.equal(result.code, 0, `cairn lookup-events ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { Events: CliEvent[]; NextToken?: string };
}

const attribute = (key: string, value: string): string[] => ['--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`];

function isOwn(e: CliEvent): boolean {
  return e.EventSource === 'cloudtrail.amazonaws.com' && e.EventTime * 1000 >= since;
}

function assertSameEvents(actual: CliEvent[], expected: FixtureEvent[], what: string): void {
  assert.ok(expected.length > 0, `${what}: fixture has matches`);
  assert.deepEqual(actual.map((e) => e.EventId).sort(), expected.map((e) => e.eventId).sort(), `${what}: ids`);
  assert.equal(new Set(actual.map((e) => e.EventId)).size, actual.length, `${what}: duplicates`);
  assert.deepEqual(actual.map((e) => e.EventTime * 1000), newestFirst(expected).map((e) => e.eventTime), `${what}: newest first`);
  const raw = new Map(expected.map((e) => [e.eventId, e.raw]));
  for (const e of actual) assert.equal(e.CloudTrailEvent, raw.get(e.EventId));
}

const maxTime = (): string => String(Math.max(...eventsA.map((e) => e.eventTime)) / 1000);

void describe('cairn CLI: lookup-events and keys', () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
    importFixtures(dataDir, [STRATUS]);
    eventsA = (byAccountRegion(stratusFiles().flatMap(fixtureEvents)).get(`${A.account}/${A.region}`) ?? []).filter((e) => e.category === 'Management');
    assert.equal(eventsA.length, 45);
    since = Math.floor(Date.now() / 1000) * 1000;
    cairn = await CairnProcess.start(['--account-id', A.account, '--region', A.region], dataDir);
    adminKey = cairn.adminCredentials();
  });
  after(async () => {
    await cairn?.dispose();
  });

  void it('lookup-events with one attribute prints the same JSON as the AWS CLI', { skip: skipAws }, async () => {
    const driver = AwsCliDriver.start();
    try {
      const env = {
        AWS_ACCESS_KEY_ID: adminKey.accessKeyId,
        AWS_SECRET_ACCESS_KEY: adminKey.secretAccessKey,
        AWS_DEFAULT_REGION: A.region,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      for (const args of [
        attribute('EventName', 'DescribeInstanceInformation'),
        [...attribute('EventSource', 'ssm.amazonaws.com'), '--page-size', '10'],
        ['--end-time', maxTime(), '--max-items', '12'],
      ]) {
        const [ours, theirs] = await Promise.all([
          lookupEvents(args),
          driver.run(['cloudtrail', 'lookup-events', '--endpoint-url', cairn.url, '--output', 'json', ...args], env),
        ]);
        assert.equal(ours.code, 0, ours.stderr);
        assert.equal(theirs.code, 0, theirs.stderr);
        const mine = JSON.parse(ours.stdout) as { Events: CliEvent[]; NextToken?: string };
        const aws = JSON.parse(theirs.stdout) as { Events: CliEvent[]; NextToken?: string };
        assert.ok(mine.Events.length > 0);
        assert.deepEqual(mine.Events, aws.Events, args.join(' '));
        const decode = (token: string | undefined): unknown => (token === undefined ? undefined : JSON.parse(Buffer.from(token, 'base64').toString('utf8')));
        assert.deepEqual(decode(mine.NextToken), decode(aws.NextToken), `${args.join(' ')}: NextToken`);
        if (aws.NextToken === undefined) assert.equal(ours.stdout, theirs.stdout, `${args.join(' ')}: byte for byte`);
        else tokenPairs.push([mine.NextToken ?? '', aws.NextToken]);
      }
    } finally {
      await driver.stop();
    }
  });

  void it('the --max-items NextToken is byte for byte the AWS CLI\'s', { skip: skipAws }, () => {
    assert.ok(tokenPairs.length > 0);
    for (const [mine, aws] of tokenPairs) assert.equal(mine, aws);
  });

  void it('lookup-events with one attribute returns exactly the matching fixture events', async () => {
    const out = await lookupJson(attribute('AccessKeyId', 'ASIAP5CT9NN8EYVU1FXV'));
    assertSameEvents(out.Events, eventsA.filter((e) => e.accessKeyId === 'ASIAP5CT9NN8EYVU1FXV'), 'AccessKeyId');
    assert.equal(out.NextToken, undefined);
  });

  void it('two --lookup-attributes search with both at once', async () => {
    const out = await lookupJson([...attribute('EventSource', 'ssm.amazonaws.com'), ...attribute('EventName', 'GetCommandInvocation')]);
    assertSameEvents(out.Events, eventsA.filter((e) => e.eventSource === 'ssm.amazonaws.com' && e.eventName === 'GetCommandInvocation'), 'two attributes');
    const none = await lookupJson([...attribute('EventSource', 'sts.amazonaws.com'), ...attribute('Username', 'christophe')]);
    assert.deepEqual(none.Events, []);
    const text = await lookupJson([...attribute('Username', 'christophe'), ...attribute('ReadOnly', 'true'), '--text', 'T08:22:5', '--page-size', '2']);
    assertSameEvents(
      text.Events,
      eventsA.filter((e) => e.username === 'christophe' && e.readOnly === true && e.raw.toLowerCase().includes('t08:22:5')),
      'attributes + text',
    );
  });

  void it('two attributes in the AWS CLI\'s list forms (JSON list; one flag, two shorthand values) search with both', async () => {
    const expected = eventsA.filter((e) => e.eventSource === 'ssm.amazonaws.com' && e.eventName === 'GetCommandInvocation');
    const json = await lookupJson([
      '--lookup-attributes',
      '[{"AttributeKey":"EventSource","AttributeValue":"ssm.amazonaws.com"},{"AttributeKey":"EventName","AttributeValue":"GetCommandInvocation"}]',
    ]);
    assertSameEvents(json.Events, expected, 'JSON list');
    const shorthand = await lookupJson(['--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=ssm.amazonaws.com', 'AttributeKey=EventName,AttributeValue=GetCommandInvocation']);
    assertSameEvents(shorthand.Events, expected, 'shorthand list');
  });

  void it('--max-items and --starting-token walk every event exactly once', async () => {
    for (const extra of [[], ['--page-size', '7']]) {
      const seen: CliEvent[] = [];
      let token: string | undefined;
      for (let round = 0; ; round++) {
        assert.ok(round < 10, 'the walk ends');
        const out = await lookupJson(['--end-time', maxTime(), '--max-items', '25', ...extra, ...(token ? ['--starting-token', token] : [])]);
        seen.push(...out.Events);
        token = out.NextToken;
        if (!token) break;
        assert.equal(out.Events.length, 25);
      }
      assertSameEvents(seen, eventsA, `walk ${extra.join(' ')}`);
    }
  });

  void it('--output table prints one row per event', async () => {
    const result = await lookupEvents([...attribute('EventName', 'GetCommandInvocation'), '--output', 'table']);
    assert.equal(result.code, 0, result.stderr);
    const expected = eventsA.filter((e) => e.eventName === 'GetCommandInvocation');
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^EventTime\s+EventName\s+Username\s+EventSource\s+ReadOnly\s+Resources\s+EventId$/);
    assert.match(lines[1] ?? '', /^-+( +-+)+$/);
    assert.equal(lines.at(-1), `(${expected.length} events)`);
    const rows = lines.slice(2, -1);
    assert.equal(rows.length, expected.length);
    for (const [i, e] of newestFirst(expected).entries()) {
      const row = rows[i] ?? '';
      assert.ok(row.startsWith(new Date(e.eventTime).toISOString().replace('.000Z', 'Z')), row);
      assert.ok(row.includes('GetCommandInvocation') && row.includes('christophe') && row.includes('ssm.amazonaws.com'), row);
      assert.ok(rows.some((r) => r.endsWith(e.eventId)), `${e.eventId} listed`);
    }
  });

  void it('bad input exits non-zero with the service error', async () => {
    const result = await lookupEvents(['--page-size', '51']);
    assert.equal(result.code, 255);
    assert.match(result.stderr, /MaxResults/);
  });

  void describe('keys', () => {
    let alice: { accessKeyId: string; secretAccessKey: string; arn: string };
    const aliceEnv = (): Record<string, string> => ({
      AWS_ACCESS_KEY_ID: alice.accessKeyId,
      AWS_SECRET_ACCESS_KEY: alice.secretAccessKey,
      AWS_DEFAULT_REGION: A.region,
    });

    void it('keys create --user alice: calls signed with it are recorded as IAMUser alice', async () => {
      alice = createKey(dataDir, ['--user', 'alice', '--account-id', A.account, '--region', A.region]);
      assert.match(alice.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
      assert.equal(alice.arn, `arn:aws:iam::${A.account}:user/alice`);
      const started = Math.floor(Date.now() / 1000) * 1000;
      const own = await lookupJson([...attribute('EventName', 'SendCommand')], aliceEnv());
      assertSameEvents(own.Events, eventsA.filter((e) => e.eventName === 'SendCommand'), 'as alice');

      // Read back with the admin key over plain HTTP.
      const response = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, JSON.stringify({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }] }), {
        ...adminKey,
        region: A.region,
      });
      assert.equal(response.status, 200, response.body);
      const recorded = jsonBody(response) as { Events: CliEvent[] };
      assert.ok(recorded.Events.length >= 1);
      for (const event of recorded.Events) {
        assert.ok(isOwn(event));
        assert.ok(event.EventTime * 1000 >= started);
        assert.equal(event.EventName, 'LookupEvents');
        assert.equal(event.Username, 'alice');
        const record = JSON.parse(event.CloudTrailEvent) as { userIdentity: Record<string, unknown>; requestParameters: unknown; awsRegion: string };
        assert.deepEqual(
          { ...record.userIdentity, principalId: undefined },
          { type: 'IAMUser', principalId: undefined, arn: `arn:aws:iam::${A.account}:user/alice`, accountId: A.account, accessKeyId: alice.accessKeyId, userName: 'alice' },
        );
        assert.match(String(record.userIdentity.principalId), /^AIDA[A-Z0-9]{16,}$/);
        assert.deepEqual(record.requestParameters, { lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'SendCommand' }] });
        assert.equal(record.awsRegion, A.region);
      }
    });

    void it('keys list shows every key with its principal', async () => {
      const text = await cairnCli(['keys', 'list', '--data-dir', dataDir]);
      assert.equal(text.code, 0, text.stderr);
      const line = text.stdout.split('\n').find((l) => l.startsWith(alice.accessKeyId));
      assert.ok(line, text.stdout);
      assert.deepEqual(line.split('\t').slice(0, 4), [alice.accessKeyId, A.account, 'IAMUser', `arn:aws:iam::${A.account}:user/alice`]);
      const json = await cairnCli(['keys', 'list', '--data-dir', dataDir, '--output', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const keys = (JSON.parse(json.stdout) as { Keys: Record<string, unknown>[] }).Keys;
      assert.deepEqual(keys.map((k) => k.AccessKeyId).sort(), [adminKey.accessKeyId, alice.accessKeyId].sort());
      const admin = keys.find((k) => k.AccessKeyId === adminKey.accessKeyId);
      assert.equal(admin?.PrincipalType, 'Root');
      assert.equal(admin?.AccountId, A.account);
      assert.equal(admin?.Arn, `arn:aws:iam::${A.account}:root`);
      assert.ok(!json.stdout.includes(alice.secretAccessKey) && !text.stdout.includes(alice.secretAccessKey), 'secrets are not listed');
    });

    void it('keys delete: the key is gone and calls signed with it are rejected', async () => {
      const deleted = await cairnCli(['keys', 'delete', alice.accessKeyId, '--data-dir', dataDir]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, new RegExp(`deleted ${alice.accessKeyId}`));
      const list = await cairnCli(['keys', 'list', '--data-dir', dataDir]);
      assert.ok(!list.stdout.includes(alice.accessKeyId));
      // The server remembers a found key for a moment (as IAM, deletion is not instant everywhere).
      await new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_TTL_MS + 100));

      const response = await jsonCall(cairn.url, `${TARGET}.LookupEvents`, '{}', { ...alice, region: A.region });
      assert.equal(response.status, 400);
      assert.equal(jsonBody(response).__type, 'UnrecognizedClientException');
      const cli = await lookupEvents([], aliceEnv());
      assert.equal(cli.code, 255);
      assert.match(cli.stderr, /security token included in the request is invalid/);
    });
  });
});
