import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildDigest, currentSigningKey, SIGNING_KEY_ROTATION_MS } from './digest.js';
import type { SigningKey } from './types.js';

function memoryKeys(): { signingKeys(region: string): Promise<SigningKey[]>; addSigningKey(key: SigningKey): Promise<void>; all: SigningKey[] } {
  const all: SigningKey[] = [];
  return {
    all,
    signingKeys: (region) => Promise.resolve(all.filter((k) => k.region === region)),
    addSigningKey: (key) => {
      all.push(key);
      return Promise.resolve();
    },
  };
}

void describe('digest signing', () => {
  void it('keeps one key per region until the rotation period is over, then makes the next', async () => {
    const store = memoryKeys();
    const t0 = Date.UTC(2026, 0, 1);
    const first = await currentSigningKey(store, 'us-east-1', t0);
    assert.equal((await currentSigningKey(store, 'us-east-1', t0 + SIGNING_KEY_ROTATION_MS - 1)).fingerprint, first.fingerprint);
    assert.notEqual((await currentSigningKey(store, 'eu-west-1', t0)).fingerprint, first.fingerprint);
    const next = await currentSigningKey(store, 'us-east-1', t0 + SIGNING_KEY_ROTATION_MS);
    assert.notEqual(next.fingerprint, first.fingerprint);
    assert.equal(next.validFrom, t0 + SIGNING_KEY_ROTATION_MS);
    assert.equal((await store.signingKeys('us-east-1')).length, 2, 'the old key stays, for older digests');
    assert.equal(first.fingerprint, createHash('md5').update(first.publicKeyDer).digest('hex'));
  });

  void it('signs the end time, location, body hash and previous signature, with the chain fields AWS has', async () => {
    const key = await currentSigningKey(memoryKeys(), 'us-east-1', Date.UTC(2026, 0, 1));
    const chain = {
      previous: { bucket: 'b', key: 'old.json.gz', signature: 'ab12', hash: 'cd34' },
      logFiles: [{ s3Bucket: 'b', s3Object: 'log.json.gz', hashValue: 'ef56', newestEventTime: '2026-01-01T00:30:00Z', oldestEventTime: '2026-01-01T00:10:00Z' }],
    };
    const digest = buildDigest({ accountId: '111122223333', bucket: 'b', key: 'new.json.gz', startTime: Date.UTC(2026, 0, 1), endTime: Date.UTC(2026, 0, 1, 1), chain, signingKey: key });
    const doc = JSON.parse(digest.body.toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), [
      'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint', 'digestSignatureAlgorithm',
      'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm',
      'previousDigestSignature', 'logFiles',
    ]);
    assert.equal(doc.digestEndTime, '2026-01-01T01:00:00Z');
    assert.equal(doc.newestEventTime, '2026-01-01T00:30:00Z');
    assert.equal(doc.previousDigestHashAlgorithm, 'SHA-256');
    const toSign = `2026-01-01T01:00:00Z\nb/new.json.gz\n${createHash('sha256').update(digest.body).digest('hex')}\nab12`;
    const publicKey = createPublicKey({ key: key.publicKeyDer, format: 'der', type: 'pkcs1' });
    assert.equal(verify('sha256', Buffer.from(toSign), publicKey, Buffer.from(digest.signature, 'hex')), true);
    const starting = buildDigest({ accountId: '111122223333', bucket: 'b', key: 'k', startTime: 0, endTime: 1000, chain: { logFiles: [] }, signingKey: key });
    const first = JSON.parse(starting.body.toString()) as Record<string, unknown>;
    for (const field of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'newestEventTime', 'oldestEventTime']) {
      assert.equal(first[field], null, field);
    }
    const startingSigned = `1970-01-01T00:00:01Z\nb/k\n${createHash('sha256').update(starting.body).digest('hex')}\nnull`;
    assert.equal(verify('sha256', Buffer.from(startingSigned), publicKey, Buffer.from(starting.signature, 'hex')), true);
  });
});
