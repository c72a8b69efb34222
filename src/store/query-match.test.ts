import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mayMatch } from './query-match.js';
import { entry } from './testing/index.js';
import type { EventQuery } from './types.js';

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
