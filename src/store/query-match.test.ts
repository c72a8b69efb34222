import assert from 'node:assert/strict';
import { it } from 'node:test';
import { attributeKey, attributeKeysOf, mayMatch } from './query-match.js';
import { entry } from './testing/index.js';
import type { AttributeFilter, EventQuery } from './types.js';

const query: EventQuery = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management'], attributes: [], limit: 50 };
const e = entry({ eventTime: '2025-03-04T09:15:27Z', eventName: 'CreateBucket', eventSource: 's3.amazonaws.com', readOnly: false, requestParameters: { bucketName: 'logs' } });
const time = Date.parse('2025-03-04T09:15:27Z');

void it('accepts an entry only inside the query partition, time range and filters', () => {
  assert.equal(mayMatch(e, query), true);
  assert.equal(mayMatch(e, { ...query, accountId: '444455556666' }), false);
  assert.equal(mayMatch(e, { ...query, region: 'us-east-1' }), false);
  assert.equal(mayMatch(e, { ...query, categories: ['Insight'] }), false);
  assert.equal(mayMatch(e, { ...query, startTime: time, endTime: time }), true, 'bounds are inclusive');
  assert.equal(mayMatch(e, { ...query, startTime: time + 1 }), false);
  assert.equal(mayMatch(e, { ...query, endTime: time - 1 }), false);
  assert.equal(mayMatch(e, { ...query, attributes: [{ key: 'ResourceName', value: 'logs' }] }), true);
  assert.equal(mayMatch(e, { ...query, attributes: [{ key: 'ResourceType', value: 'AWS::S3::Bucket' }] }), true);
  assert.equal(mayMatch(e, { ...query, attributes: [{ key: 'ReadOnly', value: 'false' }, { key: 'Username', value: 'alice' }] }), true);
  assert.equal(mayMatch(e, { ...query, attributes: [{ key: 'ReadOnly', value: 'true' }] }), false);
  assert.equal(mayMatch(e, { ...query, attributes: [{ key: 'EventName', value: 'DeleteBucket' }] }), false);
  assert.equal(mayMatch(e, { ...query, text: 'CREATEbucket' }), true, 'text is case-insensitive');
  assert.equal(mayMatch(e, { ...query, text: 'no such text' }), false);
});

void it('keeps an entry at the cursor time (its seq is not known yet) and drops newer ones', () => {
  assert.equal(mayMatch(e, { ...query, after: { eventTime: time, seq: 10 } }), true);
  assert.equal(mayMatch(e, { ...query, after: { eventTime: time + 1, seq: 10 } }), true);
  assert.equal(mayMatch(e, { ...query, after: { eventTime: time - 1, seq: 10 } }), false);
});

void it('spells an entry\'s attributes as exactly the filters that match it', () => {
  const withKey = entry({ eventName: 'GetObject', eventSource: 's3.amazonaws.com', readOnly: true, userIdentity: { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAEXAMPLE' }, requestParameters: { bucketName: 'logs', key: 'a.txt' } });
  const bare = entry({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: { type: 'Root' } });
  const values: Record<AttributeFilter['key'], string[]> = {
    EventId: [withKey.eventId, bare.eventId, 'other'],
    EventName: ['GetObject', 'ConsoleLogin', 'getobject'],
    EventSource: ['s3.amazonaws.com', 'signin.amazonaws.com', 'ec2.amazonaws.com'],
    Username: ['alice', 'root', 'bob'],
    AccessKeyId: ['AKIAEXAMPLE', 'AKIAOTHER'],
    ReadOnly: ['true', 'false'],
    ResourceType: ['AWS::S3::Bucket', 'AWS::S3::Object', 'AWS::EC2::Instance'],
    ResourceName: ['logs', 'a.txt', 'arn:aws:s3:::logs/a.txt', 'other'],
  };
  let matched = 0;
  for (const candidate of [withKey, bare]) {
    const keys = new Set(attributeKeysOf(candidate));
    for (const [key, list] of Object.entries(values) as [AttributeFilter['key'], string[]][]) {
      for (const value of list) {
        const filter = { key, value };
        const matches = mayMatch(candidate, { ...query, attributes: [filter] });
        assert.equal(keys.has(attributeKey(filter)), matches, `${candidate.eventName} ${key}=${value}`);
        if (matches) matched++;
      }
    }
  }
  assert.ok(matched >= 10, `${matched} filters matched`);
});
