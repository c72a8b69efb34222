import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import { requireProgram } from '../support/programs.js';

// The trail API through the real AWS CLI v1 (botocore) with SigV4 checked: the admin key of a fresh Cairn.

const missing = requireProgram('aws');

void describe('trail API (AWS CLI)', { skip: missing }, () => {
  let cairn: CairnProcess;
  let cli: AwsCliDriver;
  let env: Record<string, string>;
  let account: string;

  const aws = async (...argv: string[]): Promise<Record<string, unknown>> => {
    const run = await cli.run(['cloudtrail', ...argv, '--endpoint-url', cairn.url, '--output', 'json'], env);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
  };
  const awsError = async (...argv: string[]): Promise<string> => {
    const run = await cli.run(['cloudtrail', ...argv, '--endpoint-url', cairn.url], env);
    assert.equal(run.code, 255, run.stdout);
    return /An error occurred \((\w+)\)/.exec(run.stderr)?.[1] ?? run.stderr;
  };

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-trails-cli-'));
    execFileSync(process.execPath, [CLI, 'buckets', 'create', 'cli-bucket', '--data-dir', dataDir]);
    cairn = await CairnProcess.start([], dataDir);
    const key = cairn.adminCredentials();
    env = { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'eu-west-1' };
    cli = AwsCliDriver.start();
    account = '123456789012';
  });

  after(async () => {
    await cli?.stop();
    await cairn?.dispose();
  });

  void it('creates, describes, starts and deletes a trail', async () => {
    const created = await aws('create-trail', '--name', 'cli-trail', '--s3-bucket-name', 'cli-bucket', '--is-multi-region-trail', '--enable-log-file-validation');
    assert.equal(created.TrailARN, `arn:aws:cloudtrail:eu-west-1:${account}:trail/cli-trail`);
    assert.equal(created.IsMultiRegionTrail, true);
    assert.equal(created.LogFileValidationEnabled, true);
    const described = (await aws('describe-trails')).trailList as Record<string, unknown>[];
    assert.equal(described.length, 1);
    assert.equal(described[0]!.HomeRegion, 'eu-west-1');
    assert.equal((await aws('get-trail-status', '--name', 'cli-trail')).IsLogging, false);
    await aws('start-logging', '--name', 'cli-trail');
    const status = await aws('get-trail-status', '--name', 'cli-trail');
    assert.equal(status.IsLogging, true);
    assert.equal(typeof status.StartLoggingTime, 'number', 'epoch seconds, printed verbatim by the CLI');
    const keys = (await aws('list-public-keys')).PublicKeyList as Record<string, unknown>[];
    assert.equal(keys.length, 1);
    assert.match(String(keys[0]!.Value), /^MIIBCgKCAQEA/);
    await aws('add-tags', '--resource-id', String(created.TrailARN), '--tags-list', 'Key=env,Value=prod');
    const tags = (await aws('list-tags', '--resource-id-list', String(created.TrailARN))).ResourceTagList as { TagsList: unknown[] }[];
    assert.deepEqual(tags[0]!.TagsList, [{ Key: 'env', Value: 'prod' }]);
    await aws('remove-tags', '--resource-id', String(created.TrailARN), '--tags-list', 'Key=env');
    const untagged = (await aws('list-tags', '--resource-id-list', String(created.TrailARN))).ResourceTagList as { TagsList: unknown[] }[];
    assert.deepEqual(untagged[0]!.TagsList, []);
    const updated = await aws('update-trail', '--name', 'cli-trail', '--s3-key-prefix', 'audit', '--no-enable-log-file-validation');
    assert.equal(updated.S3KeyPrefix, 'audit');
    assert.equal(updated.LogFileValidationEnabled, false);
    assert.equal(((await aws('get-trail', '--name', 'cli-trail')).Trail as Record<string, unknown>).S3KeyPrefix, 'audit');
    await aws('stop-logging', '--name', 'cli-trail');
    await aws('delete-trail', '--name', String(created.TrailARN));
    assert.deepEqual((await aws('list-trails')).Trails, []);
  });

  void it('puts advanced event selectors and reads them back', async () => {
    await aws('create-trail', '--name', 'selected', '--s3-bucket-name', 'cli-bucket');
    const selectors = [
      { Name: 'no kms', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }] },
    ];
    const put = await aws('put-event-selectors', '--trail-name', 'selected', '--advanced-event-selectors', JSON.stringify(selectors));
    assert.deepEqual(put.AdvancedEventSelectors, selectors);
    assert.deepEqual((await aws('get-event-selectors', '--trail-name', 'selected')).AdvancedEventSelectors, selectors);
    await aws('put-insight-selectors', '--trail-name', 'selected', '--insight-selectors', '[{"InsightType":"ApiCallRateInsight"}]');
    assert.deepEqual((await aws('get-insight-selectors', '--trail-name', 'selected')).InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);
  });

  void it('exits 255 with AWS error codes', async () => {
    assert.equal(await awsError('create-trail', '--name', 'a--b', '--s3-bucket-name', 'cli-bucket'), 'InvalidTrailNameException');
    assert.equal(await awsError('create-trail', '--name', 'nobucket', '--s3-bucket-name', 'not-there'), 'S3BucketDoesNotExistException');
    assert.equal(await awsError('get-trail', '--name', 'missing'), 'TrailNotFoundException');
    assert.equal(await awsError('put-event-selectors', '--trail-name', 'selected', '--event-selectors', '[{"ReadWriteType":"Sometimes"}]'), 'InvalidEventSelectorsException');
    assert.equal(await awsError('get-insight-selectors', '--trail-name', 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/'), 'CloudTrailARNInvalidException');
    const west = { ...env, AWS_DEFAULT_REGION: 'us-west-2' };
    const run = await cli.run(['cloudtrail', 'start-logging', '--name', 'selected', '--endpoint-url', cairn.url], west);
    assert.match(run.stderr, /TrailNotFoundException/, 'a single-region trail is not seen from another region');
  });
});
