/** Event history's view state: the URL it lives in, and the SearchEvents input it asks for. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filtersFromQuery, queryFromView, searchFromView, searchInput, viewFromSearch } from '../../console/src/history-query.js';

void describe('event history view', () => {
  void it('round-trips filters, ranges and the read-only switch through the URL', () => {
    const view = {
      filters: [
        { key: 'EventName', value: 'RunInstances' },
        { key: 'Username', value: 'a:b' },
      ],
      range: { type: 'absolute' as const, startDate: '2022-02-07T22:00:00Z', endDate: '2022-02-07T23:00:00Z' },
      hideReadOnly: true,
    };
    const search = searchFromView(view);
    assert.equal(search.toString(), 'filter=EventName%3ARunInstances&filter=Username%3Aa%3Ab&start=2022-02-07T22%3A00%3A00Z&end=2022-02-07T23%3A00%3A00Z&readOnly=hide');
    assert.deepEqual(viewFromSearch(new URLSearchParams(search.toString())), view);
    assert.deepEqual(viewFromSearch(new URLSearchParams('last=7-day')).range, { type: 'relative', amount: 7, unit: 'day' });
  });

  void it('drops what is not a lookup attribute or a valid range', () => {
    const view = viewFromSearch(new URLSearchParams('filter=Nope:x&filter=EventName:&last=3-fortnight&start=never&end=2022-01-01'));
    assert.deepEqual(view, { filters: [], range: null, hideReadOnly: false });
  });

  void it('asks SearchEvents for every condition at once, the range in epoch seconds', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    const relative = searchInput({ filters: [{ key: 'EventSource', value: 'ec2.amazonaws.com' }], range: { type: 'relative', amount: 1, unit: 'hour' }, hideReadOnly: true }, now);
    assert.deepEqual(relative, {
      LookupAttributes: [
        { AttributeKey: 'EventSource', AttributeValue: 'ec2.amazonaws.com' },
        { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
      ],
      StartTime: now / 1000 - 3600,
    });
    // An explicit ReadOnly condition wins over the switch.
    const explicit = searchInput({ filters: [{ key: 'ReadOnly', value: 'true' }], range: null, hideReadOnly: true }, now);
    assert.deepEqual(explicit, { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'true' }] });
  });

  void it('maps property filter tokens to conditions and back', () => {
    const filters = [{ key: 'ResourceName', value: 'i-0abc' }];
    assert.deepEqual(filtersFromQuery(queryFromView({ filters, range: null, hideReadOnly: false })), filters);
    assert.deepEqual(filtersFromQuery({ operation: 'and', tokens: [{ value: 'free text', operator: ':' }] }), []);
  });
});
