import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChunkEvent } from './chunk-format.js';
import { DecodedChunk, encodeChunk } from './chunk-format.js';
import type { AttrCode } from './postings.js';
import { ATTR, ceilSecond, floorSecond, positionsOf, secondStart, postingsOf, postingsOfEvents } from './postings.js';

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

void it('finds the positions of a key\'s events in a chunk, for every key it posts and none else', () => {
  let x = 7;
  const rand = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const events = Array.from({ length: 128 }, (_, i) =>
    event({
      seqDelta: i,
      eventId: `e${i}`,
      part: 1 + rand(3),
      name: 10 + rand(4),
      source: 20 + rand(3),
      user: rand(3),
      akid: rand(2) === 0 ? 0 : 30 + rand(3),
      readOnly: rand(3),
      resources: Array.from({ length: 2 * rand(3) }, (_, r) => (r % 2 === 0 ? 40 + rand(2) : 50 + rand(5))),
    }),
  );
  const chunk = new DecodedChunk(encodeChunk(events));
  // What each event carries, straight from the events written.
  const carries = (e: ChunkEvent, attr: AttrCode, term: number): boolean => {
    switch (attr) {
      case ATTR.All:
        return true;
      case ATTR.EventName:
        return e.name === term;
      case ATTR.EventSource:
        return e.source === term;
      case ATTR.Username:
        return e.user === term;
      case ATTR.AccessKeyId:
        return e.akid === term;
      case ATTR.ReadOnly:
        return e.readOnly === term;
      case ATTR.ResourceType:
        return e.resources.some((t, r) => r % 2 === 0 && t === term);
      case ATTR.ResourceName:
        return e.resources.some((t, r) => r % 2 === 1 && t === term);
    }
  };
  const postings = postingsOf(chunk);
  assert.ok(postings.length > 40);
  for (const p of postings) {
    const expected = events.flatMap((e, i) => (e.part === p.part && carries(e, p.attr, p.term) ? [i] : []));
    assert.ok(expected.length > 0);
    assert.deepEqual([...positionsOf(chunk, p.part, p.attr, p.term)], expected, `part ${p.part} attr ${p.attr} term ${p.term}`);
  }
  assert.equal(positionsOf(chunk, 1, ATTR.EventName, 99).length, 0);
  assert.equal(positionsOf(chunk, 9, ATTR.All, 0).length, 0);
});
