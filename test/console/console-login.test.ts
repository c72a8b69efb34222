/** The pure parts of the console's server side: the ConsoleLogin record, sessions, cookies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleLoginRecord, HIDDEN_USER, SessionStore } from '../../src/console/index.js';

const base = {
  eventId: '3c2b1a09-8f7e-4d6c-b5a4-9f8e7d6c5b4a',
  eventTime: Date.parse('2025-03-04T22:41:09Z'),
  region: 'us-east-1',
  accountId: '111122223333',
  sourceIPAddress: '203.0.113.77',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  loginTo: 'http://127.0.0.1:4590/console/',
};

void describe('ConsoleLogin records', () => {
  void it('writes a failed root sign-in in the field order and shape of AWS reference record (c)', () => {
    const record = consoleLoginRecord({ ...base, success: false, identity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLE' } });
    assert.deepEqual(Object.keys(record), ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory']);
    assert.deepEqual(record.userIdentity, { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: '' });
    assert.equal(record.eventTime, '2025-03-04T22:41:09Z');
    assert.equal(record.errorMessage, 'Failed authentication');
    assert.equal(record.errorCode, undefined);
    assert.deepEqual(record.responseElements, { ConsoleLogin: 'Failure' });
    assert.equal(record.eventType, 'AwsConsoleSignIn');
  });

  void it('writes a success without errorMessage and without the IAM user key', () => {
    const record = consoleLoginRecord({ ...base, success: true, identity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/ana', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLE', userName: 'ana' } });
    assert.equal('errorMessage' in record, false);
    assert.deepEqual(record.responseElements, { ConsoleLogin: 'Success' });
    assert.equal(record.userIdentity?.accessKeyId, undefined);
    assert.deepEqual(record.additionalEventData, { LoginTo: base.loginTo, MobileVersion: 'No', MFAUsed: 'No' });
  });

  void it('hides the name of an unknown principal', () => {
    const record = consoleLoginRecord({ ...base, success: false, identity: undefined });
    assert.equal(record.userIdentity?.userName, HIDDEN_USER);
    assert.equal(record.recipientAccountId, '111122223333');
  });
});

void describe('SessionStore', () => {
  void it('expires sessions at their absolute end and forgets closed ones', () => {
    const sessions = new SessionStore(1000);
    const fields = { accountId: '111122223333', region: 'us-east-1', accessKeyId: 'AKIA', identity: { type: 'Root' } };
    const s = sessions.open(fields, 10_000);
    assert.equal(s.id.length, 43, '256 random bits, base64url');
    assert.equal(sessions.get(s.id, 10_999)?.id, s.id);
    assert.equal(sessions.get(s.id, 11_000), undefined);
    const t = sessions.open(fields, 20_000);
    sessions.close(t.id);
    assert.equal(sessions.get(t.id, 20_001), undefined);
    assert.equal(sessions.get(undefined, 0), undefined);
  });
});
