import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CairnProcess } from './support/cairn-process.js';
import type { FixtureEvent } from './support/fixture-events.js';
import { STRATUS, byAccountRegion, createKey, fixtureEvents, importFixtures, newestFirst, stratusFiles } from './support/fixture-events.js';
import { requireProgram } from './support/programs.js';
import { AwsCliDriver } from './support/aws-cli-driver.js';

// The real AWS CLI (v1, botocore) and boto3 against `cairn serve` with SigV4 checked, on imported
// stratus-red-team datasets. Keys for the datasets' accounts come from `cairn keys create`.

const A = { account: '017622104382', region: 'us-north-2r' };
const B = { account: '457448411975', region: 'apiso-northsouth-3r' };

interface Scope {
  account: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}
interface CliEvent {
  EventId: string;
  EventName: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType?: string; ResourceName: string }[];
  CloudTrailEvent: string;
}
interface CliOutput {
  Events: CliEvent[];
  NextToken?: string;
}
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const skipAws = requireProgram('aws');
const skipBoto3 = requireProgram('python3', ['-c', 'import boto3']);

let cairn: CairnProcess;
let driver: AwsCliDriver;
let scopeA: Scope;
let scopeB: Scope;
let groups: Map<string, FixtureEvent[]>;
let since = 0;

function group(scope: { account: string; region: string }): FixtureEvent[] {
  return (groups.get(`${scope.account}/${scope.region}`) ?? []).filter((e) => e.category === 'Management');
}

function awsEnv(scope: Scope): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: scope.accessKeyId,
    AWS_SECRET_ACCESS_KEY: scope.secretAccessKey,
    AWS_DEFAULT_REGION: scope.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

/** A separate program (the `aws` executable, python3) with the scope's credentials. */
function run(program: string, args: string[], scope: Scope): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return new Promise((resolve) => {
    execFile(program, args, { env: { ...base, ...awsEnv(scope), TZ: 'UTC' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lookupArgs = (args: string[]): string[] => ['cloudtrail', 'lookup-events', '--endpoint-url', cairn.url, '--output', 'json', ...args];

/** `aws cloudtrail lookup-events ...`, run by the AWS CLI's own driver in a long-lived Python process. */
function aws(scope: Scope, args: string[]): Promise<Run> {
  return driver.run(lookupArgs(args), awsEnv(scope));
}

async function awsOk(scope: Scope, args: string[]): Promise<CliOutput> {
  const result = await aws(scope, args);
  assert.equal(result.code, 0, `aws ${args.join(' ')} failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as CliOutput;
  assert.ok(Array.isArray(parsed.Events));
  return parsed;
}

async function awsFails(scope: Scope, args: string[], code: string): Promise<string> {
  const result = await aws(scope, args);
  assert.equal(result.code, 255, `aws ${args.join(' ')} should fail; stdout ${result.stdout}`);
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the LookupEvents operation: \\S`), result.stderr);
  assert.equal(result.stdout, '');
  return result.stderr;
}

function isOwn(e: CliEvent): boolean {
  return e.EventSource === 'cloudtrail.amazonaws.com' && e.EventTime * 1000 >= since;
}

function withoutOwn(events: CliEvent[]): CliEvent[] {
  let k = 0;
  while (k < events.length && isOwn(events[k] as CliEvent)) k++;
  const rest = events.slice(k);
  assert.equal(rest.filter(isOwn).length, 0, 'Cairn API events come first (newest first)');
  return rest;
}

function assertSameEvents(actual: CliEvent[], expected: FixtureEvent[], what: string): void {
  const ids = actual.map((e) => e.EventId);
  assert.equal(new Set(ids).size, ids.length, `${what}: an event came twice`);
  assert.deepEqual([...ids].sort(), expected.map((e) => e.eventId).sort(), `${what}: event ids`);
  assert.deepEqual(
    actual.map((e) => e.EventTime * 1000),
    newestFirst(expected).map((e) => e.eventTime),
    `${what}: newest first`,
  );
  const byId = new Map(expected.map((e) => [e.eventId, e]));
  for (const e of actual) {
    const x = byId.get(e.EventId);
    assert.equal(e.CloudTrailEvent, x?.raw, `${what}: CloudTrailEvent of ${e.EventId}`);
    assert.equal(e.ReadOnly, x?.readOnly === undefined ? undefined : String(x.readOnly));
    assert.equal(e.Username, x?.username);
    assert.equal(e.AccessKeyId, x?.accessKeyId);
    assert.equal(e.EventName, x?.eventName);
    assert.equal(e.EventSource, x?.eventSource);
  }
}

const attribute = (key: string, value: string): string[] => ['--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`];
const maxTimeA = (): string => String(Math.max(...group(A).map((e) => e.eventTime)) / 1000);

void describe('aws cloudtrail lookup-events (AWS CLI v1) against Cairn', { skip: skipAws }, () => {
  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-awscli-'));
    importFixtures(dataDir, [STRATUS]);
    const keyA = createKey(dataDir, ['--account-id', A.account]);
    const keyB = createKey(dataDir, ['--account-id', B.account]);
    scopeA = { ...A, ...keyA };
    scopeB = { ...B, ...keyB };
    groups = byAccountRegion(stratusFiles().flatMap(fixtureEvents));
    assert.equal(group(A).length, 45);
    since = Math.floor(Date.now() / 1000) * 1000;
    cairn = await CairnProcess.start([], dataDir);
    driver = AwsCliDriver.start();
  });
  after(async () => {
    await driver?.stop();
    await cairn?.dispose();
  });

  void it('the aws executable itself answers, and exits 255 on a service error', async () => {
    const [ok, bad] = await Promise.all([
      run('aws', lookupArgs([...attribute('EventName', 'SendCommand')]), scopeA),
      run('aws', lookupArgs(['--max-results', '51']), scopeA),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assertSameEvents((JSON.parse(ok.stdout) as CliOutput).Events, group(A).filter((e) => e.eventName === 'SendCommand'), 'aws executable');
    assert.equal(bad.code, 255);
    assert.match(bad.stderr, /An error occurred \(InvalidMaxResultsException\) when calling the LookupEvents operation: /);
  });

  void it('--lookup-attributes with each of the eight keys returns exactly the matching events', async () => {
    const a = group(A);
    const b = group(B);
    const roleArn = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
    const target = a.find((e) => e.eventName === 'GetCallerIdentity') as FixtureEvent;
    const cases: [Scope, string, string, FixtureEvent[], string[]][] = [
      [scopeA, 'EventId', target.eventId, [target], []],
      [scopeA, 'EventName', 'DescribeInstanceInformation', a.filter((e) => e.eventName === 'DescribeInstanceInformation'), []],
      [scopeA, 'ReadOnly', 'false', a.filter((e) => e.readOnly === false), []],
      [scopeA, 'ReadOnly', 'true', a.filter((e) => e.readOnly === true), ['--end-time', maxTimeA()]],
      [scopeA, 'Username', 'i-786a3A8B5C0d92eF4', a.filter((e) => e.username === 'i-786a3A8B5C0d92eF4'), []],
      [scopeA, 'Username', 'christophe', a.filter((e) => e.username === 'christophe'), []],
      [scopeB, 'ResourceType', 'AWS::IAM::Role', b.filter((e) => e.recordResources.some((r) => r.type === 'AWS::IAM::Role')), []],
      [scopeB, 'ResourceName', roleArn, b.filter((e) => e.recordResources.some((r) => r.name === roleArn)), []],
      [scopeA, 'EventSource', 'ssm.amazonaws.com', a.filter((e) => e.eventSource === 'ssm.amazonaws.com'), []],
      [scopeA, 'AccessKeyId', 'ASIAP5CT9NN8EYVU1FXV', a.filter((e) => e.accessKeyId === 'ASIAP5CT9NN8EYVU1FXV'), []],
    ];
    const outputs = await Promise.all(cases.map(([scope, key, value, , extra]) => awsOk(scope, [...attribute(key, value), ...extra])));
    cases.forEach(([, key, value, expected], i) => {
      assert.ok(expected.length > 0);
      assertSameEvents(outputs[i]?.Events ?? [], expected, `${key}=${value}`);
      assert.equal(outputs[i]?.NextToken, undefined);
    });
    // ResourceType events carry the resource in the CLI's Resources list.
    // No filter at all: the calls made to Cairn itself first, then every fixture event.
    assertSameEvents(withoutOwn((await awsOk(scopeA, [])).Events), a, 'no filter');
    const typed = outputs[cases.findIndex(([, key]) => key === 'ResourceType')]?.Events ?? [];
    assert.equal(typed.length, 2);
    for (const e of typed) assert.ok(e.Resources.some((r) => r.ResourceType === 'AWS::IAM::Role' && r.ResourceName === roleArn));
  });

  void it('--start-time/--end-time in epoch and date forms are inclusive bounds', async () => {
    const inRange = (s: string, e: string): FixtureEvent[] => group(A).filter((x) => x.eventTime >= Date.parse(s) && x.eventTime <= Date.parse(e));
    const forms: [string[], FixtureEvent[]][] = [
      [['--start-time', '1722587004', '--end-time', '1722587034'], inRange('2024-08-02T08:23:24Z', '2024-08-02T08:23:54Z')],
      [['--start-time', '1722587004.0', '--end-time', '1722587004'], inRange('2024-08-02T08:23:24Z', '2024-08-02T08:23:24Z')],
      [['--start-time', '2024-08-02T08:23:24Z', '--end-time', '2024-08-02T08:23:54Z'], inRange('2024-08-02T08:23:24Z', '2024-08-02T08:23:54Z')],
      [['--start-time', '2024-08-01', '--end-time', '2024-08-02T08:22:40Z'], inRange('2024-08-01T00:00:00Z', '2024-08-02T08:22:40Z')],
      [['--start-time', '2024-08-02 08:22:40', '--end-time', '2024-08-02 08:22:50'], inRange('2024-08-02T08:22:40Z', '2024-08-02T08:22:50Z')],
      [['--start-time', '08-02-2024, 08:23 AM', '--end-time', '2024-08-02T08:23:30+00:00'], inRange('2024-08-02T08:23:00Z', '2024-08-02T08:23:30Z')],
    ];
    const outputs = await Promise.all(forms.map(([args]) => awsOk(scopeA, args)));
    forms.forEach(([args, expected], i) => {
      assert.ok(expected.length > 0, args.join(' '));
      assertSameEvents(outputs[i]?.Events ?? [], expected, args.join(' '));
    });
  });

  void it('--max-items with --starting-token walks every event exactly once', async () => {
    const walk = async (args: string[]): Promise<CliEvent[]> => {
      const events: CliEvent[] = [];
      let token: string | undefined;
      for (let round = 0; round < 10; round++) {
        const out = await awsOk(scopeA, [...args, ...(token ? ['--starting-token', token] : [])]);
        events.push(...out.Events);
        token = out.NextToken;
        if (!token) return events;
        assert.equal(out.Events.length, 16, 'a page with a NextToken is full');
      }
      assert.fail('the walk did not end');
    };
    const bound = ['--end-time', maxTimeA()];
    // Without --page-size the CLI re-sends the service token and skips items itself; with it, tokens
    // fall in the middle of service pages of 7.
    assertSameEvents(await walk(['--max-items', '16', ...bound]), group(A), '--max-items 16');
    assertSameEvents(await walk(['--max-items', '16', '--page-size', '7', ...bound]), group(A), '--max-items 16 --page-size 7');
    const ssm = group(A).filter((e) => e.eventSource === 'ssm.amazonaws.com');
    assertSameEvents(await walk(['--max-items', '16', '--page-size', '5', ...attribute('EventSource', 'ssm.amazonaws.com')]), ssm, 'EventSource walk');
  });

  void it('--page-size sets MaxResults and the CLI still returns everything', async () => {
    const before = Math.floor(Date.now() / 1000);
    const out = await awsOk(scopeA, ['--page-size', '3', ...attribute('EventSource', 'ssm.amazonaws.com')]);
    const ssm = group(A).filter((e) => e.eventSource === 'ssm.amazonaws.com');
    assertSameEvents(out.Events, ssm, '--page-size 3');
    assert.equal(out.NextToken, undefined);
    // The calls Cairn recorded show the page size on the wire.
    const recorded = await awsOk(scopeA, [...attribute('EventName', 'LookupEvents'), '--start-time', String(before)]);
    const calls = recorded.Events.map((e) => JSON.parse(e.CloudTrailEvent) as { requestParameters?: Record<string, unknown> }).filter((r) => {
      const p = r.requestParameters;
      return p?.maxResults === 3 && JSON.stringify(p.lookupAttributes) === JSON.stringify([{ attributeKey: 'EventSource', attributeValue: 'ssm.amazonaws.com' }]);
    });
    assert.equal(calls.length, Math.ceil(ssm.length / 3));
    assert.equal(calls.filter((r) => typeof r.requestParameters?.nextToken === 'string').length, calls.length - 1);
  });

  void it('prints EventTime as epoch seconds and each Event in the LookupEvents shape', async () => {
    const out = await awsOk(scopeA, ['--end-time', maxTimeA(), '--max-items', '3']);
    assert.equal(out.Events.length, 3);
    for (const e of out.Events) {
      assert.equal(typeof e.EventTime, 'number');
      assert.deepEqual(Object.keys(e), ['EventId', 'EventName', 'ReadOnly', 'AccessKeyId', 'EventTime', 'EventSource', 'Username', 'Resources', 'CloudTrailEvent']);
    }
    assert.equal(typeof out.NextToken, 'string');
    // Everything fit in one service page: the CLI token holds no service token, only the items to skip.
    const token = JSON.parse(Buffer.from(out.NextToken ?? '', 'base64').toString('utf8')) as unknown;
    assert.deepEqual(token, { NextToken: null, boto_truncate_amount: 3 });
  });

  void describe('errors exit 255 with the service error code', () => {
    void it('bad lookup attributes', async () => {
      await Promise.all([
        awsFails(
          scopeA,
          ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=SendCommand', 'AttributeKey=Username,AttributeValue=christophe'],
          'InvalidLookupAttributesException',
        ),
        awsFails(scopeA, attribute('Bogus', 'x'), 'InvalidLookupAttributesException'),
        awsFails(scopeA, attribute('EventName', '_'.repeat(1001)), 'InvalidLookupAttributesException'),
      ]);
    });

    void it('an empty attribute value is refused (botocore checks the minimum length itself)', async () => {
      const result = await aws(scopeA, ['--lookup-attributes', '[{"AttributeKey":"EventName","AttributeValue":""}]']);
      assert.equal(result.code, 255);
      assert.match(result.stderr, /Invalid length for parameter LookupAttributes\[0\]\.AttributeValue, value: 0, valid min length: 1/);
    });

    void it('MaxResults outside 1..50', async () => {
      await awsFails(scopeA, ['--page-size', '51'], 'InvalidMaxResultsException');
      await awsFails(scopeA, ['--max-results', '51'], 'InvalidMaxResultsException');
      const zero = await aws(scopeA, ['--max-results', '0']);
      assert.equal(zero.code, 255);
      assert.match(zero.stderr, /Invalid value for parameter MaxResults, value: 0, valid min value: 1/);
    });

    void it('StartTime after EndTime', async () => {
      await awsFails(scopeA, ['--start-time', '2024-08-02T08:23:25Z', '--end-time', '2024-08-02T08:23:24Z'], 'InvalidTimeRangeException');
    });

    void it('tampered NextToken, and a NextToken reused with other parameters', async () => {
      const bound = ['--end-time', maxTimeA()];
      const first = await awsOk(scopeA, ['--max-results', '5', ...bound]);
      const token = first.NextToken;
      assert.ok(token, 'hidden --max-results gives the raw service token');
      assert.equal(first.Events.length, 5);
      const mid = Math.floor(token.length / 3);
      const tampered = token.slice(0, mid) + (token[mid] === 'A' ? 'B' : 'A') + token.slice(mid + 1);
      const cliToken = (service: string): string => Buffer.from(JSON.stringify({ NextToken: service })).toString('base64');
      await Promise.all([
        awsFails(scopeA, ['--next-token', tampered, '--max-results', '5', ...bound], 'InvalidNextTokenException'),
        awsFails(scopeA, ['--starting-token', cliToken('garbage'), ...bound], 'InvalidNextTokenException'),
        awsFails(scopeA, ['--next-token', token, '--max-results', '5', ...bound, ...attribute('EventName', 'SendCommand')], 'InvalidNextTokenException'),
        awsFails(scopeA, ['--next-token', token, '--max-results', '5', '--end-time', '2024-08-02T08:23:00Z'], 'InvalidNextTokenException'),
      ]);
      // Untouched, it still gives the next page.
      const second = await awsOk(scopeA, ['--next-token', token, '--max-results', '5', ...bound]);
      const both = [...first.Events, ...second.Events];
      assert.equal(new Set(both.map((e) => e.EventId)).size, 10);
      assert.deepEqual(
        both.map((e) => e.EventTime * 1000),
        newestFirst(group(A))
          .slice(0, 10)
          .map((e) => e.eventTime),
      );
    });

    void it('EventCategory other than insight', async () => {
      await awsFails(scopeA, ['--event-category', 'management'], 'InvalidEventCategoryException');
    });
  });

  void it('boto3 parses EventTime into a timezone-aware datetime and paginates', { skip: skipBoto3 }, async () => {
    const script = [
      'import boto3, datetime, json, sys',
      'c = boto3.client("cloudtrail", endpoint_url=sys.argv[1])',
      'r = c.lookup_events(EndTime=datetime.datetime.fromtimestamp(float(sys.argv[2]), datetime.timezone.utc), MaxResults=5)',
      'e = r["Events"][0]',
      'assert isinstance(e["EventTime"], datetime.datetime), type(e["EventTime"])',
      'ids = [x["EventId"] for p in c.get_paginator("lookup_events").paginate(EndTime=float(sys.argv[2]), PaginationConfig={"PageSize": 7}) for x in p["Events"]]',
      'print(json.dumps({"first": [x["EventTime"].isoformat() for x in r["Events"]], "tz": str(e["EventTime"].tzinfo is not None), "readOnly": e["ReadOnly"], "ids": ids}))',
    ].join('\n');
    const result = await run('python3', ['-c', script, cairn.url, maxTimeA()], scopeA);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { first: string[]; tz: string; readOnly: string; ids: string[] };
    const expected = newestFirst(group(A));
    assert.deepEqual(
      out.first,
      expected.slice(0, 5).map((e) => new Date(e.eventTime).toISOString().replace('.000Z', '+00:00')),
    );
    assert.equal(out.tz, 'True');
    assert.equal(out.readOnly, 'true');
    assert.equal(out.ids.length, 45);
    assert.deepEqual([...out.ids].sort(), expected.map((e) => e.eventId).sort());
  });
});
