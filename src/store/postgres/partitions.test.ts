import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, dayOf, dayOfPartition, partitionName } from './partitions.js';

void describe('day partitions', () => {
  void it('names a day by its UTC date and reads the day back from the name', () => {
    const day = dayOf(Date.UTC(2025, 2, 1, 23, 59, 59, 999));
    assert.equal(day, dayOf(Date.UTC(2025, 2, 1)));
    assert.equal(day + 1, dayOf(Date.UTC(2025, 2, 2)));
    assert.equal(partitionName(day), 'events_p20250301');
    assert.equal(dayOfPartition('events_p20250301'), day);
    assert.equal(dayOfPartition('events_default'), undefined);
    assert.equal(day * DAY_MS, Date.UTC(2025, 2, 1));
  });
});
