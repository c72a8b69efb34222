import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credential } from '../store/index.js';
import { identityFor, roleId, userId } from './index.js';

const base = { secretAccessKey: 's', accountId: '111122223333', createdAt: Date.UTC(2025, 2, 4, 8, 0, 5, 123) };

void describe('identityFor', () => {
  void it('shows root as AWS does', () => {
    const c: Credential = { ...base, accessKeyId: 'AKIAROOT000000000001', principalType: 'Root' };
    assert.equal(
      JSON.stringify(identityFor(c)),
      '{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOT000000000001"}',
    );
  });

  void it('shows an IAM user with a stable AIDA id, keys in AWS order', () => {
    const c: Credential = { ...base, accessKeyId: 'AKIA4EXAMPLEKEY00001', principalType: 'IAMUser', principalName: 'dev-ana' };
    const id = identityFor(c);
    assert.match(String(id.principalId), /^AIDA[A-Z0-9]{17}$/);
    assert.equal(
      JSON.stringify(id),
      `{"type":"IAMUser","principalId":"${userId('111122223333', 'dev-ana')}","arn":"arn:aws:iam::111122223333:user/dev-ana",` +
        '"accountId":"111122223333","accessKeyId":"AKIA4EXAMPLEKEY00001","userName":"dev-ana"}',
    );
  });

  void it('shows an assumed-role session with its issuer and creation date (no millis)', () => {
    const c: Credential = {
      ...base,
      accessKeyId: 'ASIA4EXAMPLETEMP0001',
      principalType: 'AssumedRole',
      principalName: 'EtlRole',
      sessionName: 'etl-job-42',
    };
    const rid = roleId('111122223333', 'EtlRole');
    assert.match(rid, /^AROA[A-Z0-9]{17}$/);
    assert.equal(
      JSON.stringify(identityFor(c)),
      `{"type":"AssumedRole","principalId":"${rid}:etl-job-42","arn":"arn:aws:sts::111122223333:assumed-role/EtlRole/etl-job-42",` +
        '"accountId":"111122223333","accessKeyId":"ASIA4EXAMPLETEMP0001","sessionContext":{"sessionIssuer":{"type":"Role",' +
        `"principalId":"${rid}","arn":"arn:aws:iam::111122223333:role/EtlRole","accountId":"111122223333","userName":"EtlRole"},` +
        '"attributes":{"creationDate":"2025-03-04T08:00:05Z","mfaAuthenticated":"false"}}}',
    );
  });

  void it('derives ids deterministically, distinct per account, name and kind', () => {
    assert.equal(userId('111122223333', 'a'), userId('111122223333', 'a'));
    assert.notEqual(userId('111122223333', 'a'), userId('444455556666', 'a'));
    assert.notEqual(userId('111122223333', 'a'), userId('111122223333', 'b'));
    assert.notEqual(userId('111122223333', 'a').slice(4), roleId('111122223333', 'a').slice(4));
  });

  void it('refuses a user credential without its name', () => {
    assert.throws(() => identityFor({ ...base, accessKeyId: 'AKIAX', principalType: 'IAMUser' }), /AKIAX \(IAMUser\) lacks/);
  });
});
