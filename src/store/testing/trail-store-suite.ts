/**
 * The behaviour every TrailStore backend must show: live and deleted trails, status patches that
 * merge, delivery progress that survives a restart, signing keys per region.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrailConfig } from '../../trails/index.js';
import { initialStatus, newSigningKey, trailArn } from '../../trails/index.js';
import type { StoreFactory } from './event-store-suite.js';

function config(name: string, region = 'us-east-1'): TrailConfig {
  return {
    name,
    accountId: '111122223333',
    homeRegion: region,
    arn: trailArn(region, '111122223333', name),
    s3BucketName: 'bucket',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: false,
    logFileValidationEnabled: true,
    isOrganizationTrail: false,
    hasCustomEventSelectors: false,
    insightSelectors: [],
    tags: [{ Key: 'team', Value: 'sec' }],
  };
}

export function trailStoreSuite(name: string, factory: StoreFactory): void {
  void describe(`TrailStore contract: ${name}`, () => {
    void it('creates, finds by ARN, refuses a second live trail with the same ARN', async () => {
      const { store } = await factory.create();
      const created = await store.trails.create(config('main'), initialStatus());
      assert.ok(created);
      assert.equal(await store.trails.create(config('main'), initialStatus()), undefined);
      assert.deepEqual((await store.trails.getByArn(config('main').arn))?.config, config('main'));
      assert.equal(await store.trails.getByArn(config('main', 'eu-west-1').arn), undefined);
      await store.close();
    });

    void it('merges status patches and removes members patched to undefined', async () => {
      const { store } = await factory.create();
      const { id } = (await store.trails.create(config('main'), initialStatus()))!;
      await store.trails.patchStatus(id, { isLogging: true, session: 1, startSeq: 7, stopSeq: 3 });
      const after = await store.trails.patchStatus(id, { latestDeliveryError: 'NoSuchBucket', stopSeq: undefined });
      assert.deepEqual(after, { isLogging: true, session: 1, startSeq: 7, latestDeliveryError: 'NoSuchBucket' });
      assert.deepEqual((await store.trails.getByArn(config('main').arn))?.status, after);
      await store.close();
    });

    void it('keeps a deleted trail for the worker until it is purged; its name is free again', async () => {
      const { store } = await factory.create();
      const { id } = (await store.trails.create(config('main'), initialStatus()))!;
      await store.trails.markDeleted(id, 1234, { isLogging: false, stopSeq: 9 });
      assert.deepEqual(await store.trails.list(), []);
      const deleted = await store.trails.listDeleted();
      assert.equal(deleted.length, 1);
      assert.equal(deleted[0]!.deletedAt, 1234);
      assert.equal(deleted[0]!.status.stopSeq, 9);
      assert.ok(await store.trails.create(config('main'), initialStatus()), 'a new trail with the name');
      await store.trails.purge(id);
      assert.deepEqual(await store.trails.listDeleted(), []);
      assert.equal((await store.trails.list()).length, 1);
      await store.close();
    });

    void it('commits delivery progress with a status patch, and keeps both across a restart', async () => {
      const { store, reopen } = await factory.create();
      const { id } = (await store.trails.create(config('main'), initialStatus()))!;
      assert.equal(await store.trails.getDelivery(id), undefined);
      const state = { session: 1, cursor: 42, active: true, pending: { afterSeq: 42, untilSeq: 50, deliveryTime: 5 }, digestRegions: {} };
      await store.trails.putDelivery(id, state, { latestDeliveryTime: 5 });
      await store.close();
      const again = await reopen();
      assert.deepEqual(await again.trails.getDelivery(id), state);
      assert.equal((await again.trails.getByArn(config('main').arn))?.status.latestDeliveryTime, 5);
      await again.close();
    });

    void it('keeps signing keys per region, oldest first', async () => {
      const { store } = await factory.create();
      const first = newSigningKey('us-east-1', 1000);
      const second = newSigningKey('us-east-1', 2000);
      await store.trails.addSigningKey(second);
      await store.trails.addSigningKey(first);
      const keys = await store.trails.signingKeys('us-east-1');
      assert.deepEqual(keys.map((k) => k.fingerprint), [first.fingerprint, second.fingerprint]);
      assert.ok(keys[0]!.publicKeyDer.equals(first.publicKeyDer));
      assert.equal(keys[0]!.privateKeyPem, first.privateKeyPem);
      assert.deepEqual(await store.trails.signingKeys('eu-west-1'), []);
      await store.close();
    });
  });
}
