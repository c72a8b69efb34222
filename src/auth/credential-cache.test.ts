import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Credential } from '../store/index.js';
import { cachedCredentialLookup } from './credential-cache.js';

const alice: Credential = { accessKeyId: 'AKIAALICE', secretAccessKey: 's', accountId: '111122223333', principalType: 'IAMUser', principalName: 'alice', createdAt: 0 };

void it('serves a found key from memory for two seconds, then asks the store again; never caches unknown keys', async () => {
  let now = 1_000;
  const asked: string[] = [];
  let stored: Credential | undefined = alice;
  const lookup = cachedCredentialLookup((id) => {
    asked.push(id);
    return Promise.resolve(id === alice.accessKeyId ? stored : undefined);
  }, () => now);
  assert.equal(await lookup('AKIAALICE'), alice);
  now += 1_999;
  assert.equal(await lookup('AKIAALICE'), alice);
  assert.deepEqual(asked, ['AKIAALICE']);
  stored = undefined; // deleted by another process
  now += 1;
  assert.equal(await lookup('AKIAALICE'), undefined);
  assert.equal(await lookup('AKIAALICE'), undefined);
  assert.equal(await lookup('AKIAGUESS'), undefined);
  assert.equal(await lookup('AKIAGUESS'), undefined);
  assert.deepEqual(asked, ['AKIAALICE', 'AKIAALICE', 'AKIAALICE', 'AKIAGUESS', 'AKIAGUESS']);
});
