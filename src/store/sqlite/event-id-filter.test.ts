import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventIdHash } from './event-id.js';
import { EventIdFilter } from './event-id-filter.js';

const ids = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => eventIdHash(`00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`));

void describe('EventIdFilter', () => {
  void it('holds every hash added and few of the others', () => {
    const filter = EventIdFilter.forCapacity(50_000)!;
    const added = ids(0, 50_000);
    for (const hash of added) filter.add(hash);
    assert.ok(added.every((hash) => filter.mayHold(hash)));
    const falseHits = ids(1_000_000, 50_000).filter((hash) => filter.mayHold(hash)).length;
    assert.ok(falseHits < 50_000 * 0.03, `${falseHits} of 50,000 absent hashes answered "maybe"`);
    assert.equal(filter.full, false);
  });

  void it('says when more were added than it has room for, and refuses a size past its largest', () => {
    const filter = EventIdFilter.forCapacity(1)!;
    const hashes = ids(0, 70_000);
    for (const hash of hashes) filter.add(hash);
    assert.equal(filter.full, true);
    assert.ok(hashes.every((hash) => filter.mayHold(hash)));
    assert.equal(EventIdFilter.forCapacity(100_000_000), undefined);
  });
});
