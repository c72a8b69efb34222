/**
 * The behaviour every LakeStateStore backend must show: documents by kind and id (scoped lists,
 * replacement), query results paged and deleted with their query, cursors that survive a restart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreFactory } from './event-store-suite.js';

export function lakeStateSuite(name: string, factory: StoreFactory): void {
  void describe(`LakeStateStore contract: ${name}`, () => {
    void it('keeps documents by kind and id, lists them per account, replaces and deletes them', async () => {
      const { store } = await factory.create();
      const lake = store.lake;
      await lake.put('eventDataStore', 'eds-b', '111122223333', { id: 'eds-b', name: 'second' });
      await lake.put('eventDataStore', 'eds-a', '111122223333', { id: 'eds-a', name: 'first' });
      await lake.put('eventDataStore', 'eds-c', '444455556666', { id: 'eds-c', name: 'other account' });
      await lake.put('query', 'eds-a', '111122223333', { id: 'eds-a', kind: 'a query with the same id' });
      assert.deepEqual(await lake.get('eventDataStore', 'eds-a'), { id: 'eds-a', name: 'first' });
      assert.equal(await lake.get('eventDataStore', 'missing'), undefined);
      assert.deepEqual((await lake.list<{ id: string }>('eventDataStore', '111122223333')).map((d) => d.id), ['eds-a', 'eds-b']);
      assert.deepEqual((await lake.list<{ id: string }>('eventDataStore')).map((d) => d.id), ['eds-a', 'eds-b', 'eds-c']);
      await lake.put('eventDataStore', 'eds-a', '111122223333', { id: 'eds-a', name: 'renamed' });
      assert.deepEqual(await lake.get('eventDataStore', 'eds-a'), { id: 'eds-a', name: 'renamed' });
      await lake.delete('eventDataStore', 'eds-a');
      assert.equal(await lake.get('eventDataStore', 'eds-a'), undefined);
      assert.deepEqual(await lake.get('query', 'eds-a'), { id: 'eds-a', kind: 'a query with the same id' }, 'other kinds untouched');
      await store.close();
    });

    void it('pages query results, and drops them with their query', async () => {
      const { store } = await factory.create();
      const lake = store.lake;
      const rows = Array.from({ length: 7 }, (_, i) => [`name-${i}`, String(i)]);
      await lake.put('query', 'q1', '111122223333', { id: 'q1' });
      await lake.putResults('q1', ['eventName', 'n'], rows);
      assert.deepEqual(await lake.readResults('q1', 0, 3), { columns: ['eventName', 'n'], rows: rows.slice(0, 3), total: 7 });
      assert.deepEqual((await lake.readResults('q1', 6, 3))?.rows, rows.slice(6));
      assert.equal(await lake.readResults('q2', 0, 3), undefined);
      await lake.delete('query', 'q1');
      assert.equal(await lake.readResults('q1', 0, 3), undefined);
      await store.close();
    });

    void it('keeps ingestion cursors across a restart, and never moves one back', async () => {
      const { store, reopen } = await factory.create();
      assert.equal(await store.lake.cursor('eds-a'), 0);
      await store.lake.setCursor('eds-a', 41);
      await store.lake.setCursor('eds-a', 42);
      // A late commit from a node that lost its lease does not rewind the cursor.
      await store.lake.setCursor('eds-a', 17);
      assert.equal(await store.lake.cursor('eds-a'), 42);
      await store.close();
      const again = await reopen();
      assert.equal(await again.lake.cursor('eds-a'), 42);
      assert.equal(await again.lake.cursor('eds-b'), 0);
      await again.close();
    });
  });
}
