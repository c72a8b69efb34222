import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAwsError } from '../api/index.js';
import {
  emulatorCredential,
  isAccountId,
  isPrincipalName,
  newAccessKey,
  validateAccountId,
  validatePrincipalName,
} from './index.js';

void describe('newAccessKey', () => {
  void it('makes AKIA keys shaped like AWS keys, all different', () => {
    const keys = Array.from({ length: 200 }, () => newAccessKey());
    for (const k of keys) {
      assert.match(k.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.match(k.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    }
    assert.equal(new Set(keys.map((k) => k.accessKeyId)).size, keys.length);
    assert.equal(new Set(keys.map((k) => k.secretAccessKey)).size, keys.length);
  });

  void it('makes ASIA keys for temporary credentials', () => {
    assert.match(newAccessKey('ASIA').accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  });
});

void describe('emulatorCredential', () => {
  void it('maps a 12-digit key to that account root and anything else to the default account', () => {
    assert.deepEqual(emulatorCredential('444455556666', { accountId: '111122223333' }), {
      accessKeyId: '444455556666',
      secretAccessKey: '',
      accountId: '444455556666',
      principalType: 'Root',
      createdAt: 0,
    });
    assert.equal(emulatorCredential('test', { accountId: '111122223333' }).accountId, '111122223333');
    assert.equal(emulatorCredential('1234567890123', { accountId: '111122223333' }).accountId, '111122223333');
  });
});

void describe('validators', () => {
  void it('accepts only 12-digit account ids', () => {
    assert.equal(validateAccountId('000000000000'), '000000000000');
    for (const bad of ['12345678901', '1234567890123', '12345678901a', ' 123456789012', '']) {
      assert.equal(isAccountId(bad), false, bad);
      assert.throws(() => validateAccountId(bad), (e: unknown) => isAwsError(e) && e.code === 'ValidationError');
    }
  });

  void it('accepts IAM principal names of 1-64 characters of [\\w+=,.@-]', () => {
    for (const good of ['a', 'dev-ana', 'Etl_Role+=,.@-', 'x'.repeat(64)]) assert.equal(validatePrincipalName(good), good);
    for (const bad of ['', 'x'.repeat(65), 'a b', 'a/b', 'é', 'a:b']) assert.equal(isPrincipalName(bad), false, bad);
    assert.throws(() => validatePrincipalName('a b', 'roleName'), {
      message: "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    });
  });
});
