import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand,
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListPublicKeysCommand,
  ListTagsCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
  RemoveTagsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { CairnProcess, CLI } from '../support/cairn-process.js';

// The trail API through the JS SDK v3 against `cairn serve --auth off` (a 12-digit key id acts as that
// account; the signing region is the caller's region), with local-directory buckets.

const ACCOUNT = '111122223333';
const BUCKET = 'trail-logs';

function client(url: string, region: string, account = ACCOUNT): CloudTrailClient {
  return new CloudTrailClient({ endpoint: url, region, credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 });
}

/** The error code a call fails with (the test fails if it succeeds). */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  assert.fail('the call succeeded');
}

void describe('trail API (JS SDK)', () => {
  let cairn: CairnProcess;
  let east: CloudTrailClient;
  let west: CloudTrailClient;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-trails-'));
    const out = execFileSync(process.execPath, [CLI, 'buckets', 'create', BUCKET, '--data-dir', dataDir]).toString();
    assert.match(out, /Created bucket trail-logs/);
    assert.ok(existsSync(join(dataDir, 'buckets', BUCKET)));
    cairn = await CairnProcess.start(['--auth', 'off'], dataDir);
    east = client(cairn.url, 'us-east-1');
    west = client(cairn.url, 'us-west-2');
  });

  after(async () => {
    await cairn?.dispose();
  });

  void it('creates a trail that is not logging until StartLogging', async () => {
    const created = await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: BUCKET, S3KeyPrefix: 'logs', TagsList: [{ Key: 'team', Value: 'sec' }] }));
    assert.deepEqual(
      { ...created, $metadata: undefined },
      {
        $metadata: undefined,
        Name: 'main',
        S3BucketName: BUCKET,
        S3KeyPrefix: 'logs',
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: false,
        TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`,
        LogFileValidationEnabled: false,
        IsOrganizationTrail: false,
      },
    );
    const status = await east.send(new GetTrailStatusCommand({ Name: 'main' }));
    assert.equal(status.IsLogging, false);
    assert.equal(status.StartLoggingTime, undefined);
    assert.equal(status.LatestDeliveryTime, undefined);
    assert.equal(status.TimeLoggingStarted, '');
    await east.send(new StartLoggingCommand({ Name: 'main' }));
    const started = await east.send(new GetTrailStatusCommand({ Name: created.TrailARN }));
    assert.equal(started.IsLogging, true);
    assert.ok(started.StartLoggingTime instanceof Date);
    assert.match(started.TimeLoggingStarted ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await east.send(new StopLoggingCommand({ Name: 'main' }));
    const stopped = await east.send(new GetTrailStatusCommand({ Name: 'main' }));
    assert.equal(stopped.IsLogging, false);
    assert.ok(stopped.StopLoggingTime! >= stopped.StartLoggingTime!);
    const trail = (await east.send(new GetTrailCommand({ Name: 'main' }))).Trail!;
    assert.equal(trail.HomeRegion, 'us-east-1');
    assert.equal(trail.HasCustomEventSelectors, false);
    assert.equal(trail.HasInsightSelectors, false);
  });

  void it('rejects bad names, ARNs and settings with AWS error codes', async () => {
    const create = (input: Partial<ConstructorParameters<typeof CreateTrailCommand>[0]>): Promise<string> =>
      errorOf(east.send(new CreateTrailCommand({ Name: 'ok-name', S3BucketName: BUCKET, ...input })));
    for (const name of ['ab', 'my--x', 'my-_x', 'a..b', '-abc', 'abc_', '192.168.5.4', 'has space', 'x'.repeat(129)]) {
      assert.equal(await create({ Name: name }), 'InvalidTrailNameException', name);
    }
    assert.equal(await create({ Name: 'main' }), 'TrailAlreadyExistsException');
    assert.equal(await create({ S3BucketName: 'no-such-bucket' }), 'S3BucketDoesNotExistException');
    assert.equal(await create({ S3BucketName: 'Bad_Bucket' }), 'InvalidS3BucketNameException');
    assert.equal(await create({ S3KeyPrefix: 'p'.repeat(201) }), 'InvalidS3PrefixException');
    assert.equal(await create({ SnsTopicName: 'bad topic!' }), 'InvalidSnsTopicNameException');
    assert.equal(await create({ CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g:*` }), 'InvalidParameterCombinationException');
    assert.equal(
      await create({ CloudWatchLogsLogGroupArn: 'not-an-arn', CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/r` }),
      'InvalidCloudWatchLogsLogGroupArnException',
    );
    assert.equal(await create({ KmsKeyId: 'not a key' }), 'InvalidKmsKeyIdException');
    assert.equal(await create({ IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false }), 'InvalidParameterCombinationException');
    assert.equal(await create({ TagsList: [{ Key: 'a' }, { Key: 'a' }] }), 'InvalidTagParameterException');
    assert.equal(await errorOf(east.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:us-east-1:bad' }))), 'CloudTrailARNInvalidException');
    assert.equal(await errorOf(east.send(new GetTrailCommand({ Name: 'nothing-here' }))), 'TrailNotFoundException');
    assert.equal(await errorOf(east.send(new GetTrailStatusCommand({ Name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/nothing` }))), 'TrailNotFoundException');
    assert.equal(await errorOf(east.send(new GetTrailCommand({ Name: 'main' })).then(() => client(cairn.url, 'us-east-1', '999999999999').send(new GetTrailCommand({ Name: 'main' })))), 'TrailNotFoundException');
  });

  void it('limits a region to five trails, counting multi-region trails homed elsewhere', async () => {
    await west.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: BUCKET, IsMultiRegionTrail: true }));
    for (const name of ['tr2', 'tr3', 'tr4']) await east.send(new CreateTrailCommand({ Name: name, S3BucketName: BUCKET }));
    // us-east-1 now sees main, t2, t3, t4 and the shadow of everywhere.
    assert.equal(await errorOf(east.send(new CreateTrailCommand({ Name: 'tr5', S3BucketName: BUCKET }))), 'MaximumNumberOfTrailsExceededException');
    assert.equal(await errorOf(west.send(new CreateTrailCommand({ Name: 'wide', S3BucketName: BUCKET, IsMultiRegionTrail: true }))), 'MaximumNumberOfTrailsExceededException');
    for (const name of ['tr3', 'tr4']) await east.send(new DeleteTrailCommand({ Name: name }));
    assert.equal(await errorOf(east.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: BUCKET }))), 'TrailAlreadyExistsException');
    assert.equal(await errorOf(east.send(new GetTrailCommand({ Name: 'tr3' }))), 'TrailNotFoundException');
    // A deleted trail's name can be used again.
    await east.send(new CreateTrailCommand({ Name: 'tr3', S3BucketName: BUCKET }));
    await east.send(new DeleteTrailCommand({ Name: 'tr3' }));
  });

  void it('shows multi-region trails as shadow trails outside their home region', async () => {
    const arn = `arn:aws:cloudtrail:us-west-2:${ACCOUNT}:trail/everywhere`;
    const all = (await east.send(new DescribeTrailsCommand({}))).trailList!.map((t) => t.TrailARN).sort();
    assert.deepEqual(all, [arn, `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`, `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/tr2`].sort());
    const own = (await east.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList!.map((t) => t.Name).sort();
    assert.deepEqual(own, ['main', 'tr2']);
    const named = await east.send(new DescribeTrailsCommand({ trailNameList: ['main', arn, 'everywhere', 'unknown'] }));
    assert.deepEqual(named.trailList!.map((t) => t.Name), ['main', 'everywhere']);
    assert.equal(named.trailList![1]!.HomeRegion, 'us-west-2');
    const listed = (await east.send(new ListTrailsCommand({}))).Trails!;
    assert.deepEqual(listed.find((t) => t.Name === 'everywhere'), { TrailARN: arn, Name: 'everywhere', HomeRegion: 'us-west-2' });
    // By name only in the home region; by ARN from anywhere it is seen.
    assert.equal(await errorOf(east.send(new GetTrailCommand({ Name: 'everywhere' }))), 'TrailNotFoundException');
    assert.equal((await east.send(new GetTrailCommand({ Name: arn }))).Trail!.IsMultiRegionTrail, true);
    assert.equal((await east.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging, false);
    // One at a time: a call started before the loop reaches it could fail with no handler attached yet,
    // which the test runner reports as an unhandled rejection.
    for (const call of [
      () => east.send(new StartLoggingCommand({ Name: arn })),
      () => east.send(new StopLoggingCommand({ Name: arn })),
      () => east.send(new UpdateTrailCommand({ Name: arn, S3KeyPrefix: 'x' })),
      () => east.send(new DeleteTrailCommand({ Name: arn })),
      () => east.send(new PutEventSelectorsCommand({ TrailName: arn, EventSelectors: [{ ReadWriteType: 'All' }] })),
      () => east.send(new PutInsightSelectorsCommand({ TrailName: arn, InsightSelectors: [] })),
    ]) {
      assert.equal(await errorOf(call()), 'InvalidHomeRegionException');
    }
    assert.equal(await errorOf(east.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'k', Value: 'v' }] }))), 'OperationNotPermittedException');
    // A single-region trail is not seen elsewhere.
    assert.equal(await errorOf(west.send(new GetTrailCommand({ Name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main` }))), 'TrailNotFoundException');
  });

  void it('updates a trail in its home region', async () => {
    const updated = await east.send(new UpdateTrailCommand({ Name: 'main', S3KeyPrefix: '', EnableLogFileValidation: true, SnsTopicName: 'alerts' }));
    assert.equal(updated.S3KeyPrefix, undefined);
    assert.equal(updated.LogFileValidationEnabled, true);
    assert.equal(updated.SnsTopicName, 'alerts');
    assert.equal(updated.SnsTopicARN, `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`);
    assert.equal(await errorOf(east.send(new UpdateTrailCommand({ Name: 'main', S3BucketName: 'missing-bucket' }))), 'S3BucketDoesNotExistException');
    assert.equal(await errorOf(east.send(new UpdateTrailCommand({ Name: 'main', KmsKeyId: 'alias/logs' }))), 'UnsupportedOperationException');
  });

  void it('stores basic and advanced event selectors with AWS validation', async () => {
    const initial = await east.send(new GetEventSelectorsCommand({ TrailName: 'main' }));
    assert.deepEqual(initial.EventSelectors, [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
    const basic = [
      { ReadWriteType: 'WriteOnly' as const, IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-a/'] }], ExcludeManagementEventSources: ['kms.amazonaws.com'] },
    ];
    const put = await east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: basic }));
    assert.deepEqual(put.EventSelectors, basic);
    assert.deepEqual((await east.send(new GetEventSelectorsCommand({ TrailName: 'main' }))).EventSelectors, basic);
    assert.equal((await east.send(new GetTrailCommand({ Name: 'main' }))).Trail!.HasCustomEventSelectors, true);
    const advanced = [
      { Name: 'writes but not KMS', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }] },
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::bucket-b/'] }] },
    ];
    const putAdvanced = await east.send(new PutEventSelectorsCommand({ TrailName: 'main', AdvancedEventSelectors: advanced }));
    assert.deepEqual(putAdvanced.AdvancedEventSelectors, advanced);
    assert.equal(putAdvanced.EventSelectors, undefined);
    assert.deepEqual((await east.send(new GetEventSelectorsCommand({ TrailName: 'main' }))).AdvancedEventSelectors, advanced);

    const bad = (input: Omit<ConstructorParameters<typeof PutEventSelectorsCommand>[0], 'TrailName'>): Promise<string> =>
      errorOf(east.send(new PutEventSelectorsCommand({ TrailName: 'main', ...input })));
    const selector = { ReadWriteType: 'All' as const };
    assert.equal(await bad({ EventSelectors: [selector], AdvancedEventSelectors: advanced }), 'InvalidEventSelectorsException');
    assert.equal(await bad({}), 'InvalidEventSelectorsException');
    assert.equal(await bad({ EventSelectors: Array.from({ length: 6 }, () => selector) }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ EventSelectors: [{ ReadWriteType: 'read-only' as 'All' }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ EventSelectors: [{ ExcludeManagementEventSources: ['s3.amazonaws.com'] }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ EventSelectors: [{ DataResources: [{ Type: 'AWS::EC2::Instance', Values: ['arn:aws:ec2'] }] }] }), 'InvalidEventSelectorsException');
    const manyValues = Array.from({ length: 251 }, (_, i) => `arn:aws:s3:::bucket-${i}/`);
    assert.equal(await bad({ EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: manyValues }] }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventSource', Equals: ['s3.amazonaws.com'] }] }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Insight'] }] }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', StartsWith: ['Manage'] }] }] }), 'InvalidEventSelectorsException');
    assert.equal(
      await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventName', Equals: ['PutObject'] }] }] }),
      'InvalidEventSelectorsException',
    );
    assert.equal(await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] }), 'InvalidEventSelectorsException');
    assert.equal(await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'colour', Equals: ['x'] }] }] }), 'InvalidEventSelectorsException');
    const values = Array.from({ length: 500 }, (_, i) => `n${i}`);
    assert.equal(
      await bad({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'eventName', Equals: values }] }] }),
      'InvalidEventSelectorsException',
    );
    assert.equal(await errorOf(east.send(new GetEventSelectorsCommand({ TrailName: 'none-such' }))), 'TrailNotFoundException');
  });

  void it('stores insight selectors when the trail logs the management events they need', async () => {
    assert.equal(await errorOf(east.send(new GetInsightSelectorsCommand({ TrailName: 'main' }))), 'InsightNotEnabledException');
    const put = await east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }] }));
    assert.deepEqual(put.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }]);
    assert.equal((await east.send(new GetTrailCommand({ Name: 'main' }))).Trail!.HasInsightSelectors, true);
    assert.equal(await errorOf(east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [{ InsightType: 'Nope' as 'ApiCallRateInsight' }] }))), 'InvalidInsightSelectorsException');
    await east.send(new PutEventSelectorsCommand({ TrailName: 'tr2', EventSelectors: [{ ReadWriteType: 'ReadOnly' }] }));
    assert.equal(await errorOf(east.send(new PutInsightSelectorsCommand({ TrailName: 'tr2', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] }))), 'InvalidInsightSelectorsException');
    await east.send(new PutInsightSelectorsCommand({ TrailName: 'tr2', InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }] }));
    await east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [] }));
    assert.equal(await errorOf(east.send(new GetInsightSelectorsCommand({ TrailName: 'main' }))), 'InsightNotEnabledException');
  });

  void it('adds, lists and removes tags with AWS limits', async () => {
    const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
    await east.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'team', Value: 'platform' }, { Key: 'flag' }] }));
    const listed = await east.send(new ListTagsCommand({ ResourceIdList: [arn] }));
    assert.deepEqual(listed.ResourceTagList, [{ ResourceId: arn, TagsList: [{ Key: 'team', Value: 'platform' }, { Key: 'flag' }] }]);
    await east.send(new RemoveTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'flag' }] }));
    assert.deepEqual((await east.send(new ListTagsCommand({ ResourceIdList: [arn] }))).ResourceTagList![0]!.TagsList, [{ Key: 'team', Value: 'platform' }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.equal(await errorOf(east.send(new AddTagsCommand({ ResourceId: arn, TagsList: many }))), 'TagsLimitExceededException');
    assert.equal(await errorOf(east.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'aws:reserved', Value: 'v' }] }))), 'InvalidTagParameterException');
    assert.equal(await errorOf(east.send(new AddTagsCommand({ ResourceId: arn, TagsList: [{ Key: 'k', Value: 'v'.repeat(257) }] }))), 'InvalidTagParameterException');
    assert.equal(await errorOf(east.send(new ListTagsCommand({ ResourceIdList: ['main'] }))), 'CloudTrailARNInvalidException');
    assert.equal(await errorOf(east.send(new ListTagsCommand({ ResourceIdList: [`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/gone`] }))), 'ResourceNotFoundException');
  });

  void it('returns the region signing key as a PKCS#1 DER and its MD5 fingerprint', async () => {
    const keys = (await east.send(new ListPublicKeysCommand({}))).PublicKeyList!;
    assert.equal(keys.length, 1);
    const der = Buffer.from(keys[0]!.Value!);
    assert.equal(der.subarray(0, 9).toString('base64'), 'MIIBCgKCAQEA'.slice(0, 12));
    assert.equal(keys[0]!.Fingerprint, createHash('md5').update(der).digest('hex'));
    assert.ok(keys[0]!.ValidityStartTime! <= new Date() && keys[0]!.ValidityEndTime! > new Date());
    const future = await east.send(new ListPublicKeysCommand({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 7200_000) }));
    assert.equal(future.PublicKeyList!.length, 1);
    assert.equal(await errorOf(east.send(new ListPublicKeysCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - 60_000) }))), 'InvalidTimeRangeException');
    const westKeys = (await west.send(new ListPublicKeysCommand({}))).PublicKeyList!;
    assert.notEqual(westKeys[0]!.Fingerprint, keys[0]!.Fingerprint, 'one key pair per region');
  });

  void it('records the trail calls as management events with AWS read-only flags and members', async () => {
    const events: Event[] = [];
    let token: string | undefined;
    do {
      const page = await east.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'cloudtrail.amazonaws.com' }], NextToken: token }));
      events.push(...page.Events!);
      token = page.NextToken;
    } while (token);
    const record = (name: string): Record<string, unknown> => {
      const event = events.find((e) => e.EventName === name && !(JSON.parse(e.CloudTrailEvent!) as { errorCode?: string }).errorCode);
      assert.ok(event, name);
      return JSON.parse(event.CloudTrailEvent!) as Record<string, unknown>;
    };
    const create = record('CreateTrail');
    assert.equal(create.readOnly, false);
    assert.equal((create.requestParameters as Record<string, unknown>).s3BucketName, BUCKET);
    assert.match(String((create.responseElements as Record<string, unknown>).trailARN), /^arn:aws:cloudtrail:/);
    const start = record('StartLogging');
    assert.equal(start.readOnly, false);
    assert.equal(start.responseElements, null);
    const status = record('GetTrailStatus');
    assert.equal(status.readOnly, true);
    assert.equal(status.responseElements, null);
    assert.equal(record('ListPublicKeys').readOnly, true);
    assert.equal(record('PutEventSelectors').readOnly, false);
  });
});
