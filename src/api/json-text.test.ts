import assert from 'node:assert/strict';
import { it } from 'node:test';
import { JsonText, encodeReplyJson } from './json-text.js';

void it('encodes a reply as JSON.stringify does, omitting absent members', () => {
  const reply = { Name: 'trail "a"', Count: 3, Nested: { List: [1, { x: undefined, y: 'z' }], Off: false }, Gone: undefined, Nothing: null, When: 1.5 };
  assert.equal(encodeReplyJson(reply).toString(), JSON.stringify(reply));
  assert.equal(encodeReplyJson({}).toString(), '{}');
});

void it('splices pre-encoded members and list elements as written, and they still serialise as their values', () => {
  const event = { EventId: 'e-1', CloudTrailEvent: '{"eventName":"Get\\"Object"}' };
  const encoded = new JsonText(JSON.stringify(event));
  const reply = { Events: [encoded, { EventId: 'plain' }], NextToken: 'abc', Single: encoded };
  const text = encodeReplyJson(reply).toString();
  assert.deepEqual(JSON.parse(text), { Events: [event, { EventId: 'plain' }], NextToken: 'abc', Single: event });
  assert.equal(text, JSON.stringify(reply), 'JSON.stringify gives the same text through toJSON');
});
