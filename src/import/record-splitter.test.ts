import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedJsonError, RecordSplitter, memberRaw, splitRecords } from './record-splitter.js';
import type { SplitItem } from './record-splitter.js';

function records(items: Iterable<SplitItem>): string[] {
  const out: string[] = [];
  for (const item of items) if (item.kind === 'record') out.push(item.raw);
  return out;
}

function skippedCount(items: Iterable<SplitItem>): number {
  let n = 0;
  for (const item of items) if (item.kind === 'skipped') n++;
  return n;
}

/** Splits `text` fed in pieces of `size` code units. */
function splitIn(text: string, size: number): SplitItem[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return [...splitRecords(chunks)];
}

/** Splits `text` cut at every possible pair of positions (three chunks). */
function* everyCut(text: string): Generator<{ cut: string; items: SplitItem[] }> {
  for (let a = 0; a <= text.length; a++) {
    for (let b = a; b <= text.length; b += 7) {
      yield { cut: `${a},${b}`, items: [...splitRecords([text.slice(0, a), text.slice(a, b), text.slice(b)])] };
    }
  }
}

const R1 = '{"eventVersion":"1.08","eventID":"e1","eventName":"A","note":"brackets ] } [ { and \\"quotes\\" and \\\\"}';
const R2 = '{\n    "eventVersion": "1.09",\n    "eventID": "e2",\n    "nested": {"a": [1, 2, {"b": null}], "c": "x\\\\\\"y"}\n  }';
const R3 = '{"eventID":"e3","eventSource":"s3.amazonaws.com","text":"héllo wörld ✓ 🚀 \\u00e9 日本語"}';

void describe('RecordSplitter: shapes', () => {
  void it('splits a {"Records":[...]} envelope, keeping each record byte for byte', () => {
    const doc = `{"Records":[${R1},${R2} , ${R3}]}`;
    assert.deepEqual(records(splitRecords([doc])), [R1, R2, R3]);
  });

  void it('finds Records after other keys and skips their values (even ones that look like records)', () => {
    const doc = `{"a":{"Records":[{"eventID":"decoy"}]},"b":"Records","c":[{"eventID":"decoy2"}],"Records":[${R1}],"z":{"eventID":"decoy3"}}`;
    assert.deepEqual(records(splitRecords([doc])), [R1]);
  });

  void it('streams Records of a pretty-printed envelope', () => {
    const doc = `{\n  "Records": [\n    ${R2},\n    ${R1}\n  ]\n}\n`;
    assert.deepEqual(records(splitRecords([doc])), [R2, R1]);
  });

  void it('splits a bare array of records', () => {
    const doc = `[\n${R1},\n${R2}\n]`;
    assert.deepEqual(records(splitRecords([doc])), [R1, R2]);
  });

  void it('splits JSON lines and concatenated values', () => {
    assert.deepEqual(records(splitRecords([`${R1}\n${R3}\r\n${R1}${R3}\n`])), [R1, R3, R1, R3]);
  });

  void it('handles empty envelopes, empty arrays and empty input', () => {
    assert.deepEqual([...splitRecords(['{"Records":[]}'])], []);
    assert.deepEqual([...splitRecords(['[]'])], []);
    assert.deepEqual([...splitRecords(['', '  \n'])], []);
  });

  void it('counts non-object array elements as skipped', () => {
    const items = [...splitRecords([`{"Records":[1, "x", null, ${R1}, [], true]}`])];
    assert.deepEqual(records(items), [R1]);
    // 1, "x", null, true are not objects; [] is an empty array (no records, nothing to skip).
    assert.equal(skippedCount(items), 4);
  });

  void it('unwraps LookupEvents output: the record is the decoded CloudTrailEvent string', () => {
    const event = { EventId: 'e3', EventName: 'X', CloudTrailEvent: R3 };
    const doc = JSON.stringify({ Events: [event, event], NextToken: 'abc' });
    assert.deepEqual(records(splitRecords([doc])), [R3, R3]);
    // JSON lines of Event objects (plaso).
    assert.deepEqual(records(splitRecords([`${JSON.stringify(event)}\n${JSON.stringify(event)}\n`])), [R3, R3]);
  });

  void it('unwraps Sekoia test cases (input.message)', () => {
    const doc = JSON.stringify({ input: { message: R1 }, expected: { event: { eventID: 'not this' } } }, null, 2);
    assert.deepEqual(records(splitRecords([doc])), [R1]);
  });

  void it('unwraps EventBridge events: the record is `detail`, byte for byte', () => {
    const doc = `{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":  ${R2}  ,"region":"us-east-1"}`;
    assert.deepEqual(records(splitRecords([doc])), [R2]);
  });

  void it('unwraps CloudWatch Logs payloads (logEvents[].message)', () => {
    const doc = JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [{ id: '1', timestamp: 1, message: R1 }, { id: '2', timestamp: 2, message: 'not json' }] });
    const items = [...splitRecords([doc])];
    assert.deepEqual(records(items), [R1]);
    assert.equal(skippedCount(items), 1);
  });

  void it('unwraps StreamAlert test cases (S3, EventBridge and CloudWatch Logs payloads in `data`)', () => {
    const cases = [
      { data: JSON.parse(`{"Records":[${R1},${R3}]}`) as unknown, description: 'd', log: 'cloudtrail:events', service: 's3', source: 'b', trigger_rules: [] },
      { data: { 'detail-type': '...', detail: JSON.parse(R2) as unknown }, description: 'd', log: 'cloudwatch:events', trigger_rules: ['r'] },
      { data: { logEvents: [{ id: '1', timestamp: 1, message: R3 }] }, description: 'd', log: 'cloudwatch:cloudtrail', classify_only: true },
    ];
    const text = JSON.stringify(cases, null, 2);
    const got = records(splitRecords([text]));
    // Records nested in an already-parsed wrapper are still cut from its text: compare by value.
    assert.deepEqual(
      got.map((r) => JSON.parse(r) as unknown),
      [R1, R3, R2, R3].map((r) => JSON.parse(r) as unknown),
    );
    for (const r of got.slice(0, 3)) assert.ok(text.includes(r), 'records cut from the document text');
  });

  void it('skips CloudTrail digest files with a reason', () => {
    const digest = '{"awsAccountId":"111122223333","digestStartTime":"2024-01-01T00:00:00Z","logFiles":[{"s3Object":"x"}]}';
    assert.deepEqual([...splitRecords([digest])], [{ kind: 'skipped', reason: 'CloudTrail digest file (no events)' }]);
  });

  void it('offers unknown objects as records (the journal entry decides) and skips scalars inside wrappers', () => {
    const items = [...splitRecords(['{"foo":1}\n[{"bar":2}, 3]'])];
    assert.deepEqual(records(items), ['{"foo":1}', '{"bar":2}']);
    assert.equal(skippedCount(items), 1);
  });

  void it('parses each record once and hands back the value', () => {
    const [item] = [...splitRecords([`{"Records":[${R3}]}`])];
    assert.ok(item && item.kind === 'record');
    assert.deepEqual(item.value, JSON.parse(R3));
  });
});

void describe('RecordSplitter: chunk boundaries', () => {
  const doc = `\ufeff{"Other":{"x":"] } \\" ["},"Records":[${R1},\n${R2},${R3}],"After":[1,{"y":"}"}]}`;
  const want = [R1, R2, R3];

  void it('gives the same records fed one character at a time', () => {
    assert.deepEqual(records(splitIn(doc, 1)), want);
  });

  void it('gives the same records for every chunk size', () => {
    for (let size = 1; size <= doc.length; size++) assert.deepEqual(records(splitIn(doc, size)), want, `size ${size}`);
  });

  void it('gives the same records cut at every position (pairs of cuts)', () => {
    for (const { cut, items } of everyCut(doc)) assert.deepEqual(records(items), want, `cut at ${cut}`);
  });

  void it('handles every cut of JSON lines, bare arrays and wrappers', () => {
    const docs: [string, string[]][] = [
      [`${R1}\n${R2}\n${R3}`, [R1, R2, R3]],
      [`[${R3} ,${R1}]`, [R3, R1]],
      [JSON.stringify({ Events: [{ CloudTrailEvent: R1 }, { CloudTrailEvent: R2 }] }), [R1, R2]],
      [`{"detail-type":"AWS API Call via CloudTrail","detail":${R3}}`, [R3]],
    ];
    for (const [text, expected] of docs) {
      for (let size = 1; size <= 5; size++) assert.deepEqual(records(splitIn(text, size)), expected, `size ${size}`);
      for (const { cut, items } of everyCut(text)) assert.deepEqual(records(items), expected, `cut at ${cut} of ${text.slice(0, 30)}`);
    }
  });

  void it('keeps escapes split across chunks: \\\\ then " ends a string, \\ then " does not', () => {
    const a = '{"eventID":"a\\\\"}';
    const b = '{"eventID":"a\\"}"}';
    for (const text of [a, b]) {
      for (let k = 0; k <= text.length; k++) {
        assert.deepEqual(records(splitRecords([text.slice(0, k), text.slice(k)])), [text], `${text} cut at ${k}`);
      }
    }
    // Long runs of backslashes across every cut.
    const c = `{"eventID":"${'\\\\'.repeat(5)}\\"${'\\\\'.repeat(3)}"}`;
    assert.deepEqual(JSON.parse(c), { eventID: '\\\\\\\\\\"\\\\\\' });
    for (let k = 0; k <= c.length; k++) assert.deepEqual(records(splitRecords([c.slice(0, k), c.slice(k)])), [c]);
  });

  void it('keeps unicode (including surrogate pairs) byte for byte', () => {
    const got = records(splitIn(`[${R3}]`, 1));
    assert.deepEqual(got, [R3]);
    assert.equal((JSON.parse(got[0] ?? '') as { text: string }).text, 'héllo wörld ✓ 🚀 é 日本語');
  });

  void it('bounds memory by a record: nothing is kept between records', () => {
    const splitter = new RecordSplitter();
    let n = 0;
    n += records(splitter.push('{"Records":[')).length;
    for (let k = 0; k < 1000; k++) n += records(splitter.push(`${k ? ',' : ''}${R1}`)).length;
    n += records(splitter.push(']}')).length + records(splitter.end()).length;
    assert.equal(n, 1000);
  });
});

void describe('RecordSplitter: malformed input', () => {
  const bad = (chunks: string[]): MalformedJsonError => {
    try {
      for (const _ of splitRecords(chunks)) {
        // drain
      }
    } catch (err) {
      assert.ok(err instanceof MalformedJsonError, String(err));
      return err;
    }
    assert.fail(`no error for ${chunks.join('')}`);
  };

  void it('rejects text that is not JSON', () => {
    assert.match(bad(['hello']).message, /unexpected 'h' at character 0/);
    assert.match(bad(['"a string"']).message, /top-level string/);
    assert.match(bad([`${R1}\nfoo`]).message, /unexpected 'f'/);
  });

  void it('rejects truncated documents', () => {
    assert.match(bad([`{"Records":[${R1},{"eventID":"x`]).message, /end of input inside a string/);
    assert.match(bad([`{"Records":[${R1}`]).message, /unclosed bracket/);
  });

  void it('rejects invalid records and mismatched brackets, after yielding the good ones', () => {
    const splitter = new RecordSplitter();
    assert.deepEqual(records(splitter.push(`{"Records":[${R1},`)), [R1]);
    // Records before the fault in the same chunk come back first; the fault is thrown next.
    assert.deepEqual(records(splitter.push(`${R3},{"eventID": nope},${R2}`)), [R3]);
    assert.throws(() => splitter.end(), /invalid JSON in the value starting at character/);
    assert.throws(() => splitter.push(']}'), /invalid JSON/);
    const s2 = new RecordSplitter();
    assert.deepEqual(records(s2.push(`[${R1},${R2}}`)), [R1, R2]);
    assert.throws(() => s2.end(), /unexpected '}'/);
    assert.match(bad(['{"Records":[}]}']).message, /unexpected '}'/);
    assert.match(bad(['{"a":1}}']).message, /unexpected '}'/);
  });
});

void describe('memberRaw', () => {
  void it('returns the raw text of a member, last one winning', () => {
    assert.equal(memberRaw('{ "a" : [1, {"b":"}"}] , "d\\u0065tail": {"x" : 1}, "c":2}', 'detail'), '{"x" : 1}');
    assert.equal(memberRaw('{"a":1,"a":2}', 'a'), '2');
    assert.equal(memberRaw('{"a":1}', 'b'), undefined);
  });
});
