import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupResources } from './resources.js';
import type { CloudTrailRecord } from './types.js';

const base: CloudTrailRecord = { eventVersion: '1.08', eventTime: '2025-01-01T00:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', awsRegion: 'us-east-1', eventID: 'x' };

void describe('lookupResources', () => {
  void it('derives resources from parameters and the response of a write', () => {
    const record = { ...base, readOnly: false, requestParameters: { instancesSet: { items: [{ imageId: 'ami-1' }] } }, responseElements: { instancesSet: { items: [{ instanceId: 'i-1' }] } } };
    assert.deepEqual(lookupResources(record), [
      { type: 'AWS::EC2::Ami', name: 'ami-1' },
      { type: 'AWS::EC2::Instance', name: 'i-1' },
    ]);
  });

  void it('lists none for Describe/List filters, as AWS does', () => {
    assert.deepEqual(lookupResources({ ...base, eventName: 'DescribeInstances', readOnly: true, requestParameters: { instancesSet: { items: [{ instanceId: 'i-1' }] } } }), []);
  });

  void it('is not fooled by members named like Object.prototype properties', () => {
    assert.deepEqual(lookupResources({ ...base, requestParameters: { constructor: 'x', toString: 'y', __proto__: 'z' } }), []);
  });

  void it('keeps the record’s own resources, by ARN', () => {
    assert.deepEqual(lookupResources({ ...base, eventSource: 's3.amazonaws.com', resources: [{ ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket' }] }), [{ type: 'AWS::S3::Bucket', name: 'arn:aws:s3:::b' }]);
  });
});
