import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChunkEvent } from './chunk-format.js';
import { DecodedChunk, encodeChunk } from './chunk-format.js';
import { ATTR, ceilSecond, floorSecond, secondStart, postingsOf, postingsOfEvents } from './postings.js';

const event = (over: Partial<ChunkEvent>): ChunkEvent => ({
  seqDelta: 0, receivedDelta: 0, eventId: 'e', time: Date.UTC(2025, 0, 1, 12, 0, 30), part: 1, name: 10, source: 11, user: 0, akid: 0, readOnly: 2, resources: [], raw: '{}',
  ...over,
});

void it('gives one posting per partition, attribute and value with the time span (seconds) of its events, the same before and after encoding', () => {
  const events = [
    event({ seqDelta: 0, eventId: 'a', user: 20, readOnly: 1, resources: [30, 31, 0, 32], time: Date.UTC(2025, 0, 1, 12, 0, 30, 250) }),
    event({ seqDelta: 1, eventId: 'b', time: Date.UTC(2025, 0, 1, 12, 5, 0), user: 20, akid: 21, readOnly: 0 }),
    event({ seqDelta: 2, eventId: 'c', part: 2, name: 10 }),
  ];
  const key = (p: { part: number; attr: number; term: number }): string => `${p.part}/${p.attr}/${p.term}`;
  const fromEvents = postingsOfEvents(events).sort((x, y) => key(x).localeCompare(key(y)));
  const fromChunk = postingsOf(new DecodedChunk(encodeChunk(events))).sort((x, y) => key(x).localeCompare(key(y)));
  assert.deepEqual(fromChunk, fromEvents);
  const user = fromEvents.find((p) => p.part === 1 && p.attr === ATTR.Username && p.term === 20)!;
  assert.equal(secondStart(user.tmin), Date.UTC(2025, 0, 1, 12, 0, 30));
  assert.equal(secondStart(user.tmax), Date.UTC(2025, 0, 1, 12, 5, 0));
  assert.deepEqual(
    fromEvents.filter((p) => p.part === 1).map((p) => `${p.attr}/${p.term}`).sort(),
    ['0/0', '1/10', '2/11', '3/20', '4/21', '5/0', '5/1', '6/31', '6/32', '7/30'].sort(),
  );
  assert.deepEqual(fromEvents.filter((p) => p.part === 2).map((p) => p.attr).sort(), [ATTR.All, ATTR.EventName, ATTR.EventSource].sort());
  assert.equal(floorSecond(Date.UTC(2025, 0, 1, 12, 0, 30, 1)) + 1, ceilSecond(Date.UTC(2025, 0, 1, 12, 0, 30, 1)));
  assert.equal(floorSecond(Date.UTC(2025, 0, 1, 12, 0, 30)), ceilSecond(Date.UTC(2025, 0, 1, 12, 0, 30)));
});
