import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryTime, selectArchiveKeys } from './import-plan.js';

const log = (region: string, stamp: string, id: string): string => `AWSLogs/111122223333/CloudTrail/${region}/2024/03/05/111122223333_CloudTrail_${region}_${stamp}_${id}.json.gz`;

void describe('selectArchiveKeys', () => {
  const keys = [
    log('us-east-1', '20240305T1010Z', 'b'),
    log('us-east-1', '20240305T0900Z', 'a'),
    log('eu-west-1', '20240305T2355Z', 'c'),
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240305T100000Z.json.gz',
    'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/05/111122223333_CloudTrail-Insight_us-east-1_20240305T1000Z_x.json.gz',
    'AWSLogs/111122223333/README.txt',
  ];

  void it('keeps log files under CloudTrail/ in key order, with their prefixes', () => {
    const plan = selectArchiveKeys(keys, '');
    assert.deepEqual(
      plan.files.map((f) => f.key),
      [log('eu-west-1', '20240305T2355Z', 'c'), log('us-east-1', '20240305T0900Z', 'a'), log('us-east-1', '20240305T1010Z', 'b')],
    );
    assert.deepEqual([...plan.prefixes.values()], [log('eu-west-1', '20240305T2355Z', 'c'), log('us-east-1', '20240305T1010Z', 'b')]);
  });

  void it('drops files delivered before the start or a day after the end', () => {
    const start = Date.UTC(2024, 2, 5, 10, 0);
    const plan = selectArchiveKeys(keys, '', start, Date.UTC(2024, 2, 5, 0, 0));
    // 09:00 is before 10:00 (beyond the margin); 23:55 on the 5th is within a day after the end (the 5th's midnight).
    assert.deepEqual(
      plan.files.map((f) => f.key),
      [log('eu-west-1', '20240305T2355Z', 'c'), log('us-east-1', '20240305T1010Z', 'b')],
    );
    assert.equal(selectArchiveKeys(keys, '', undefined, Date.UTC(2024, 2, 3)).files.length, 0);
  });

  void it('takes any log file under a prefix outside AWSLogs/, never digests', () => {
    const custom = ['exports/2024/a.json.gz', 'exports/2024/b.json', 'exports/CloudTrail-Digest/d.json.gz', 'other/c.json.gz'];
    assert.deepEqual(
      selectArchiveKeys(custom, 'exports/').files.map((f) => f.key),
      ['exports/2024/a.json.gz', 'exports/2024/b.json'],
    );
    assert.deepEqual(selectArchiveKeys(custom, '').files, []);
  });

  void it('reads the delivery time from the file name', () => {
    assert.equal(deliveryTime(log('us-east-1', '20240305T1010Z', 'b')), Date.UTC(2024, 2, 5, 10, 10));
    assert.equal(deliveryTime('x/y.json.gz'), undefined);
  });
});
