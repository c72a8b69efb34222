import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEventData, isIpAddress, parseEventTime } from './audit-event-schema.js';

const OWNER = '111122223333';

function event(changes: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    version: '1.0',
    userIdentity: { type: 'CustomUser', principalId: 'alice' },
    eventSource: 'app.example.com',
    eventName: 'Login',
    eventTime: '2026-03-04T05:06:07Z',
    UID: 'u-1',
    recipientAccountId: OWNER,
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return JSON.stringify(base);
}

void describe('audit event schema', () => {
  void it('accepts the required fields alone and returns the event time', () => {
    const checked = checkEventData(event(), OWNER);
    assert.ok(checked.ok);
    assert.equal(checked.eventTimeMs, Date.UTC(2026, 2, 4, 5, 6, 7));
    assert.equal(checked.event.UID, 'u-1');
  });

  void it('eventTime: UTC yyyy-MM-ddTHH:mm:ss with optional fraction and Z; real dates only', () => {
    assert.equal(parseEventTime('2026-03-04T05:06:07'), Date.UTC(2026, 2, 4, 5, 6, 7));
    assert.equal(parseEventTime('2026-03-04T05:06:07.250Z'), Date.UTC(2026, 2, 4, 5, 6, 7, 250));
    for (const bad of ['2026-02-29T00:00:00Z', '2026-03-04 05:06:07', '2026-03-04T24:00:00Z', '2026-03-04T05:06:07+01:00', '1741064767']) {
      assert.equal(parseEventTime(bad), undefined, bad);
    }
  });

  void it('sourceIPAddress: IPv4 and IPv6 (compressed, with an embedded IPv4)', () => {
    for (const good of ['192.0.2.1', '0.0.0.0', '2001:db8::1', '::1', '::', 'fe80::1:2:3:4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) assert.ok(isIpAddress(good), good);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'example.com', '', '12345::1']) assert.ok(!isIpAddress(bad), bad);
  });

  void it('names the failing field and its error code', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ eventName: undefined }, 'FieldNotFound'],
      [{ eventName: '' }, 'FieldNotFound'],
      [{ userIdentity: { type: 'x' } }, 'FieldNotFound'],
      [{ userIdentity: { type: 'x', principalId: 'p', extra: 1 } }, 'InvalidData'],
      [{ userIdentity: { type: 'x', principalId: 'p', details: 'text' } }, 'InvalidData'],
      [{ errorMessage: 'm'.repeat(257) }, 'FieldTooLong'],
      [{ responseElements: { r: 'r'.repeat(100 * 1024) } }, 'FieldTooLong'],
      [{ responseElements: ['list'] }, 'InvalidData'],
      [{ recipientAccountId: '999999999999' }, 'InvalidRecipient'],
      [{ eventSource: 'iam.amazonaws.com' }, 'InvalidEventSource'],
    ];
    for (const [changes, code] of cases) {
      const checked = checkEventData(event(changes), OWNER);
      assert.ok(!checked.ok, JSON.stringify(changes));
      assert.equal(checked.errorCode, code, JSON.stringify(changes));
    }
  });
});
