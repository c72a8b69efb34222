import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leaseKey } from './lease-key.js';

void describe('lease keys', () => {
  void it('are stable signed 32-bit integers, different for different jobs', () => {
    const keys = ['retention', 'trail:1', 'trail:2', 'trail:10', 'lake:1'].map(leaseKey);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.every((k) => Number.isInteger(k) && k >= -(2 ** 31) && k < 2 ** 31));
    assert.equal(leaseKey('trail:1'), leaseKey('trail:1'));
  });
});
