import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JournalEntry } from '../records/index.js';
import type { AppendResult } from '../store/index.js';
import { GroupCommitter } from './group-commit.js';

/** A store whose appends settle only when the test says so (a slow disk flush). */
class HeldStore {
  readonly appends: { ids: string[]; settle: (error?: Error) => void }[] = [];
  append(entries: readonly JournalEntry[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.appends.push({
        ids: entries.map((e) => e.eventId),
        settle: (error) => (error ? reject(error) : resolve({ inserted: entries.length, duplicates: 0 })),
      });
    });
  }
}

const entry = (eventId: string): JournalEntry => ({ eventId, accountId: '1', region: 'r', category: 'Management', eventTime: 0, eventName: 'n', eventSource: 's', readOnly: true, username: undefined, accessKeyId: undefined, resources: [], raw: '{}' });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

void it('appends the calls of one turn together, starts the next batch before the previous is durable, and settles each batch on its own', async () => {
  const store = new HeldStore();
  const committer = new GroupCommitter(store);
  const settled: string[] = [];
  const track = (id: string): Promise<void> => committer.commit(entry(id)).then(() => void settled.push(id), () => void settled.push(`${id}!`));
  const first = [track('a'), track('b')];
  await tick();
  assert.deepEqual(store.appends.map((a) => a.ids), [['a', 'b']]);
  const second = [track('c')];
  await tick();
  // The second batch is appended while the first still waits for its flush.
  assert.deepEqual(store.appends.map((a) => a.ids), [['a', 'b'], ['c']]);
  assert.deepEqual(settled, []);
  store.appends[1]!.settle(new Error('disk full'));
  await Promise.all(second);
  assert.deepEqual(settled, ['c!']);
  let flushed = false;
  const flushing = committer.flush().then(() => (flushed = true));
  await tick();
  assert.equal(flushed, false, 'flush waits for the batch still in flight');
  store.appends[0]!.settle();
  await Promise.all([...first, flushing]);
  assert.deepEqual(settled, ['c!', 'a', 'b']);
  assert.equal(flushed, true);
});
