import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitTarget } from './request-target.js';

void describe('splitTarget', () => {
  void it('keeps the path encoded and decodes the query, + as space', () => {
    assert.deepEqual(splitTarget('/a%20b/c~d?x=1&y=a+b%2Bc&flag&=e'), {
      path: '/a%20b/c~d',
      query: [['x', '1'], ['y', 'a b+c'], ['flag', ''], ['', 'e']],
    });
  });

  void it('reads absolute-form targets and an empty path', () => {
    assert.deepEqual(splitTarget('http://host:4566?a=1#frag'), { path: '/', query: [['a', '1']] });
    assert.deepEqual(splitTarget('https://h/p/q'), { path: '/p/q', query: [] });
  });

  void it('keeps a malformed escape rather than failing', () => {
    assert.deepEqual(splitTarget('/?a=%zz&b=%E0%A4%A'), { path: '/', query: [['a', '%zz'], ['b', '%E0%A4%A']] });
  });
});
