import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteLru } from './byte-lru.js';

void describe('the byte-bounded LRU', () => {
  void it('evicts least recently used entries until the bytes fit, never pinned ones', () => {
    const lru = new ByteLru(100);
    lru.addPinned('a', 40);
    lru.unpin('a');
    lru.addPinned('b', 40);
    lru.unpin('b');
    lru.addPinned('c', 40); // pinned: in use by a query
    assert.equal(lru.bytes, 120);
    assert.ok(lru.pin('a')); // a used again: b is now the oldest
    lru.unpin('a');
    assert.deepEqual(lru.evict(), ['b']);
    assert.equal(lru.bytes, 80);
    lru.addPinned('d', 60);
    // a is the only unpinned entry; c and d stay even though the cache is still over its bound.
    assert.deepEqual(lru.evict(), ['a']);
    assert.equal(lru.bytes, 100);
    assert.deepEqual(lru.evict(), []);
    assert.equal(lru.has('c') && lru.has('d'), true);
  });

  void it('forgets removed entries and does not pin what it does not hold', () => {
    const lru = new ByteLru(10);
    assert.equal(lru.pin('x'), false);
    lru.addPinned('x', 5);
    lru.remove('x');
    assert.equal(lru.bytes, 0);
    assert.equal(lru.has('x'), false);
  });
});
