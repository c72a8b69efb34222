import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCredentialScope } from './index.js';

void describe('readCredentialScope', () => {
  void it('reads the scope from the Authorization header or a presigned URL, unchecked', () => {
    const auth = 'AWS4-HMAC-SHA256 Credential=test/20250101/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=x';
    assert.deepEqual(readCredentialScope('/', { authorization: auth }), {
      accessKeyId: 'test',
      date: '20250101',
      region: 'eu-west-1',
      service: 'cloudtrail',
    });
    const url = '/?X-Amz-Credential=123456789012%2F20250101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=x';
    assert.equal(readCredentialScope(url, {})?.accessKeyId, '123456789012');
    assert.equal(readCredentialScope(url, {})?.region, 'us-west-2');
  });

  void it('returns undefined without a usable scope', () => {
    assert.equal(readCredentialScope('/', {}), undefined);
    assert.equal(readCredentialScope('/', { authorization: 'Bearer x' }), undefined);
    assert.equal(readCredentialScope('/', { authorization: 'AWS4-HMAC-SHA256 Credential=a/b' }), undefined);
  });
});
