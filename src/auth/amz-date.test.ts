import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.js';

void describe('SigV4 dates', () => {
  void it('round-trips the ISO-8601 basic form and refuses impossible dates', () => {
    assert.equal(parseAmzDate('20250101T120000Z'), Date.UTC(2025, 0, 1, 12));
    assert.equal(formatAmzDate(Date.UTC(2025, 0, 1, 12, 0, 0, 999)), '20250101T120000Z');
    for (const bad of ['20250230T000000Z', '20250101T250000Z', '2025-01-01T12:00:00Z', '20250101T120000']) {
      assert.equal(parseAmzDate(bad), undefined, bad);
    }
  });

  void it('reads the Date header as browsers and botocore write it', () => {
    const t = Date.UTC(2025, 0, 1);
    assert.equal(parseHttpDate('Wed, 01 Jan 2025 00:00:00 GMT'), t);
    assert.equal(parseHttpDate('Wed, 01 Jan 2025 00:00:00 -0000'), t);
    assert.equal(parseHttpDate('yesterday'), undefined);
  });
});
