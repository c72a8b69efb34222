import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from '../api/index.js';
import { digestKey, logFileKey, uniqueSuffix } from './layout.js';
import { buildLogFiles } from './log-files.js';
import { kmsKeyArn, parseTrailRef, snsTopicArn } from './names.js';
import type { StoredEvent } from '../records/index.js';

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as AwsError).code;
  }
  return 'none';
}

void describe('trail names and ARNs', () => {
  void it('follow the model rules', () => {
    for (const ok of ['abc', 'My.Trail_1-x', 'a'.repeat(128), '1.2.3', '1.2.3.4.5']) assert.equal(code(() => parseTrailRef(ok)), 'none', ok);
    for (const bad of ['ab', 'a'.repeat(129), '_abc', 'abc-', 'a--b', 'a._b', '10.0.0.1', 'a b c', 'añb']) assert.equal(code(() => parseTrailRef(bad)), 'InvalidTrailNameException', bad);
    assert.deepEqual(parseTrailRef('arn:aws:cloudtrail:eu-west-1:111122223333:trail/main'), {
      name: 'main',
      arn: { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' },
    });
    assert.equal(code(() => parseTrailRef('arn:aws:cloudtrail:eu-west-1:1111:trail/main')), 'CloudTrailARNInvalidException');
    assert.equal(code(() => parseTrailRef('arn:aws:s3:::bucket')), 'CloudTrailARNInvalidException');
    assert.equal(code(() => parseTrailRef('arn:aws:cloudtrail:eu-west-1:111122223333:trail/a--b')), 'InvalidTrailNameException');
  });

  void it('turn SNS topic names and KMS key ids into the ARNs AWS echoes', () => {
    assert.equal(snsTopicArn('alerts', 'us-east-1', '111122223333'), 'arn:aws:sns:us-east-1:111122223333:alerts');
    assert.equal(snsTopicArn('arn:aws:sns:eu-west-1:111122223333:x', 'us-east-1', '111122223333'), 'arn:aws:sns:eu-west-1:111122223333:x');
    assert.equal(kmsKeyArn('alias/logs', 'us-east-1', '111122223333'), 'arn:aws:kms:us-east-1:111122223333:alias/logs');
    assert.equal(kmsKeyArn('1234abcd-12ab-34cd-56ef-1234567890ab', 'us-east-1', '111122223333'), 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    assert.equal(code(() => kmsKeyArn('nope', 'us-east-1', '111122223333')), 'InvalidKmsKeyIdException');
  });
});

void describe('object keys', () => {
  const time = Date.UTC(2015, 7, 1, 2, 10, 33);
  void it('lay out log files and digests exactly as CloudTrail', () => {
    assert.equal(
      logFileKey({ accountId: '111122223333', region: 'us-east-2', deliveryTime: time, unique: 'Mu0KsOhtH1ar15ZZ' }),
      'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz',
    );
    assert.equal(
      logFileKey({ prefix: 'pfx', accountId: '111122223333', region: 'us-east-2', deliveryTime: time, unique: 'Mu0KsOhtH1ar15ZZ' }).split('/AWSLogs/')[0],
      'pfx',
    );
    assert.equal(
      digestKey({ prefix: 'p/q', accountId: '111122223333', region: 'eu-west-1', trailName: 'main', homeRegion: 'us-east-1', endTime: time }),
      'p/q/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2015/08/01/111122223333_CloudTrail-Digest_eu-west-1_main_us-east-1_20150801T021033Z.json.gz',
    );
    assert.match(uniqueSuffix('x'), /^[A-Za-z0-9]{16}$/);
    assert.equal(uniqueSuffix('same'), uniqueSuffix('same'));
    assert.notEqual(uniqueSuffix('a'), uniqueSuffix('b'));
  });

  void it('split a batch by region and at the size cap, with the same keys on every retry', () => {
    const event = (seq: number, region: string): StoredEvent => ({
      seq,
      receivedAt: 0,
      eventId: `e${seq}`,
      accountId: '111122223333',
      region,
      category: 'Management',
      eventTime: time + seq * 1000,
      eventName: 'X',
      eventSource: 'ec2.amazonaws.com',
      readOnly: false,
      username: undefined,
      accessKeyId: undefined,
      resources: [],
      raw: `{"eventID":"e${seq}","pad":"${'x'.repeat(100)}"}`,
    });
    const events = [event(1, 'us-east-1'), event(2, 'eu-west-1'), event(3, 'us-east-1'), event(4, 'us-east-1')];
    const options = { trailArn: 'arn', accountId: '111122223333', afterSeq: 0, deliveryTime: time, maxBytes: 300 };
    const files = buildLogFiles(events, options);
    assert.deepEqual(files.map((f) => [f.region, f.count]), [['eu-west-1', 1], ['us-east-1', 2], ['us-east-1', 1]]);
    assert.ok(files.every((f) => f.body.length <= 300));
    assert.equal(files[1]!.body.toString(), `{"Records":[${events[0]!.raw},${events[2]!.raw}]}`);
    assert.equal(files[1]!.oldestEventTime, '2015-08-01T02:10:34Z');
    assert.deepEqual(buildLogFiles(events, options).map((f) => f.key), files.map((f) => f.key));
    assert.equal(new Set(files.map((f) => f.key)).size, 3);
  });
});
