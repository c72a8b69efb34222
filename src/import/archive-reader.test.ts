import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { JournalEntry } from '../records/index.js';
import { listArchiveFiles, readArchive } from './archive-reader.js';
import type { ArchiveBatch, FileResult, ReadOptions } from './archive-reader.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudtrail');
const SHARED = join(ROOT, '..', 'shared', 'data', 'cloudtrail');

interface Collected {
  entries: (JournalEntry & { file: string })[];
  files: FileResult[];
  batches: ArchiveBatch[];
}

async function collect(paths: string[], options?: ReadOptions): Promise<Collected> {
  const out: Collected = { entries: [], files: [], batches: [] };
  for await (const batch of readArchive(paths, options)) {
    out.batches.push(batch);
    for (const e of batch.entries) out.entries.push({ ...e, file: batch.file });
    if (batch.done) out.files.push(batch.done);
  }
  return out;
}

/** Per top-level dataset folder: entries, skipped values, files read / failed / ignored. */
function perDataset(root: string, c: Collected): Map<string, { records: number; skipped: number; failed: string[]; ignored: number; ok: number }> {
  const m = new Map<string, { records: number; skipped: number; failed: string[]; ignored: number; ok: number }>();
  for (const f of c.files) {
    const rel = relative(root, f.file);
    const name = rel.includes(sep) ? (rel.split(sep)[0] as string) : '.';
    const d = m.get(name) ?? { records: 0, skipped: 0, failed: [], ignored: 0, ok: 0 };
    d.records += f.records;
    d.skipped += f.skipped;
    if (f.status === 'failed') d.failed.push(rel);
    else if (f.status === 'ignored') d.ignored++;
    else d.ok++;
    m.set(name, d);
  }
  return m;
}

/** A zip archive written with node built-ins (stored or deflated members). */
function zipOf(members: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const body = m.deflate ? deflateRawSync(m.data) : m.data;
    const crc = crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(m.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(m.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

function record(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', accountId: '111122223333', userName: `user${i}` },
    eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString().replace('.000', ''),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: true,
    recipientAccountId: '111122223333',
    ...extra,
  };
}

void describe('readArchive over test/fixtures/cloudtrail', () => {
  let all: Collected;
  before(async () => {
    all = await collect([FIXTURES]);
  });

  void it('loads each dataset with the counts of its README', () => {
    const d = perDataset(FIXTURES, all);
    // stratus-red-team: 35 JSON arrays, 310 records, all loadable.
    assert.deepEqual(d.get('stratus-red-team'), { records: 310, skipped: 0, failed: [], ignored: 2, ok: 35 });
    // otrf: 103 JSON-lines records (indexed by @timestamp), read from the .json and again from the zip
    // member; the CSV (plain and zipped), the YAML metadata, LICENSE and README are ignored.
    assert.deepEqual(d.get('otrf-security-datasets'), { records: 206, skipped: 0, failed: [], ignored: 6, ok: 2 });
    // plaso: 6 LookupEvents Event objects (JSON lines), the record is the CloudTrailEvent string.
    assert.deepEqual(d.get('plaso'), { records: 6, skipped: 0, failed: [], ignored: 2, ok: 1 });
    // streamalert: 57 records in S3 / EventBridge / CloudWatch Logs wrappers; 15 are placeholders
    // without a real eventTime (13) or without an eventID (2).
    assert.deepEqual(d.get('streamalert'), { records: 42, skipped: 15, failed: [], ignored: 2, ok: 15 });
    // AWS parser fixtures: 41 records split out of 12 files, none with an eventID (skipped), and the
    // deliberately invalid file reported as malformed.
    const aws = d.get('aws-cloudtrail-processing-library');
    assert.ok(aws);
    assert.equal(aws.records, 0);
    assert.equal(aws.skipped, 41);
    assert.equal(aws.ok, 12);
    assert.deepEqual(aws.failed, [join('aws-cloudtrail-processing-library', 'src', 'test', 'resources', 'resources', 'SerializerTestFileBadJsonFormat.json')]);
  });

  void it('says why records were skipped and why the invalid file failed', () => {
    const bad = all.files.find((f) => f.file.endsWith('SerializerTestFileBadJsonFormat.json'));
    assert.ok(bad?.reason);
    assert.match(bad.reason, /^malformed JSON: /);
    const nulls = all.files.find((f) => f.file.endsWith('SerializerAllFieldsNull.json'));
    assert.deepEqual(nulls?.skipReasons, { 'record has no eventID': 2 });
    const sa = all.files.filter((f) => f.file.includes('streamalert')).flatMap((f) => Object.keys(f.skipReasons ?? {}));
    assert.ok(sa.includes('eventTime is not a timestamp: ...'));
  });

  void it('reads files in a stable, sorted order', async () => {
    const order = all.files.map((f) => f.file);
    const again = (await collect([FIXTURES])).files.map((f) => f.file);
    assert.deepEqual(again, order);
    const stratus = order.filter((f) => f.includes(`detonation-logs${sep}`));
    assert.deepEqual(stratus, [...stratus].sort());
  });

  void it('keeps each record byte for byte: raw is the exact substring of the file', () => {
    const stratus = all.entries.filter((e) => e.file.includes('stratus-red-team'));
    const texts = new Map<string, string>();
    for (const e of stratus) {
      const text = texts.get(e.file) ?? readFileSync(e.file, 'utf8');
      texts.set(e.file, text);
      assert.ok(text.includes(e.raw), `${e.eventId} raw found in ${e.file}`);
    }
    // Every element of every array, in order.
    const expected = [...texts.keys()].flatMap((f) => (JSON.parse(texts.get(f) ?? '[]') as { eventID: string }[]).map((r) => r.eventID));
    assert.deepEqual(
      stratus.map((e) => e.eventId),
      expected,
    );
  });

  void it('takes LookupEvents records from CloudTrailEvent and EventBridge records from detail', () => {
    const plaso = all.entries.filter((e) => e.file.includes('plaso'));
    const lines = readFileSync(join(FIXTURES, 'plaso', 'test_data', 'jsonl', 'aws_cloudtrail.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(
      plaso.map((e) => e.raw),
      lines.map((l) => (JSON.parse(l) as { CloudTrailEvent: string }).CloudTrailEvent),
    );
    const eb = all.entries.find((e) => e.file.endsWith('cloudtrail_ec2_image_creation.json'));
    assert.ok(eb);
    assert.ok(readFileSync(eb.file, 'utf8').includes(eb.raw), 'detail cut from the file text');
    const insight = all.entries.find((e) => e.category === 'Insight');
    assert.ok(insight, 'the StreamAlert Insights record is loaded');
    assert.equal(insight.eventName, 'CompleteLifecycleAction');
  });

  void it('indexes Logstash records by @timestamp, keeping their text, unless told not to', async () => {
    const otrf = all.entries.filter((e) => e.file.endsWith('ec2_proxy_s3_exfiltration_2020-09-14011940.json') && !e.file.includes('.zip!/'));
    assert.equal(otrf.length, 103);
    const first = otrf[0];
    assert.ok(first);
    assert.equal(first.eventTime, Date.parse('2020-09-14T00:44:23.000Z'));
    assert.ok(!first.raw.includes('"eventTime"'));
    const strict = await collect([join(FIXTURES, 'otrf-security-datasets')], { logstashTimestamp: false });
    assert.equal(strict.entries.length, 0);
    assert.equal(
      strict.files.reduce((n, f) => n + f.skipped, 0),
      206,
    );
  });

  void it('reads zip members (deflate) as archive!/member and ignores non-JSON members', () => {
    const zipped = all.files.filter((f) => f.file.includes('.zip!/'));
    assert.deepEqual(
      zipped.map((f) => [f.file.slice(f.file.indexOf('.zip!/') + 6), f.status, f.records]),
      [
        ['ec2_proxy_s3_exfiltration_2020-09-14011940.json', 'ok', 103],
        ['AWS_S3_HoneyBucketLogs.csv', 'ignored', 0],
      ],
    );
  });

  void it('counts bytes read from disk: every byte of every file by the end', async () => {
    const listing = await listArchiveFiles([FIXTURES]);
    const total = listing.files.reduce((n, f) => n + f.size, 0);
    const last = all.batches[all.batches.length - 1];
    assert.equal(last?.bytesRead, total);
    const progress = all.batches.map((b) => b.bytesRead);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'cumulative');
    // Per file: a plain file's bytes are its size.
    const plaso = all.files.find((f) => f.file.endsWith('aws_cloudtrail.jsonl'));
    assert.equal(plaso?.bytes, listing.files.find((f) => f.path.endsWith('aws_cloudtrail.jsonl'))?.size);
  });
});

void describe('readArchive over ../shared/data/cloudtrail', () => {
  const present = existsSync(SHARED);
  void it('loads every dataset that holds events', { skip: present ? false : 'shared data not present' }, async () => {
    const c = await collect([SHARED]);
    const d = perDataset(SHARED, c);
    const records = Object.fromEntries([...d].map(([k, v]) => [k, v.records]));
    assert.deepEqual(records, {
      '.': 0,
      'aws-cloudtrail-processing-library': 0,
      'flaws2-cloud': 37,
      'otrf-security-datasets': 206,
      plaso: 6,
      // 15 test cases: the one without an eventID is skipped.
      'sekoia-intake-formats': 14,
      'stratus-red-team': 310,
      streamalert: 42,
    });
    assert.equal(d.get('sekoia-intake-formats')?.skipped, 1);
    assert.equal(d.get('flaws2-cloud')?.ok, 8);
    assert.deepEqual(
      c.files.filter((f) => f.status === 'failed').map((f) => f.file.split(sep).pop()),
      ['SerializerTestFileBadJsonFormat.json'],
    );
    // The Sekoia Insights event (ApiErrorRateInsight) is loaded as an Insight.
    assert.ok(c.entries.some((e) => e.file.includes('sekoia') && e.category === 'Insight'));
    // flaws2: every record of the gzip files, raw equal to the records of the decompressed files.
    const flaws = c.entries.filter((e) => e.file.includes('flaws2-cloud'));
    assert.equal(new Set(flaws.map((e) => e.eventId)).size, 37);
  });
});

void describe('readArchive: faults and options', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-import-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  void it('reports a truncated gzip by name, keeping the records read before the fault (read whole or streamed)', async () => {
    for (const [name, pad] of [
      ['small.json.gz', (i: number): string => 'x'.repeat(200 + (i % 50))],
      // Incompressible padding: the truncated file is over 1 MiB, so it is streamed from disk.
      ['large.json.gz', (): string => randomBytes(1500).toString('base64')],
    ] as const) {
      const records = Array.from({ length: 2000 }, (_, i) => record(i, { pad: pad(i) }));
      const gz = gzipSync(JSON.stringify({ Records: records }));
      const path = join(dir, name);
      writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
      const c = await collect([path], { batchSize: 100 });
      assert.equal(c.files.length, 1);
      const [f] = c.files;
      assert.equal(f?.status, 'failed');
      assert.match(f?.reason ?? '', /unexpected end of file/);
      assert.ok(c.entries.length > 100 && c.entries.length < 2000, `${c.entries.length} records kept`);
      assert.equal(f?.records, c.entries.length);
      assert.equal(f?.bytes, Math.floor(gz.length * 0.6));
      assert.deepEqual(
        c.entries.map((e) => e.eventId),
        records.slice(0, c.entries.length).map((r) => r.eventID),
      );
    }
  });

  void it('reports corrupt gzip data', async () => {
    const gz = gzipSync(JSON.stringify({ Records: [record(1)] }));
    gz.fill(0x55, 12, 30);
    const path = join(dir, 'corrupt.json.gz');
    writeFileSync(path, gz);
    const c = await collect([path]);
    assert.equal(c.files[0]?.status, 'failed');
    assert.match(c.files[0]?.reason ?? '', /bad gzip|invalid|incorrect/i);
  });

  void it('fails a non-JSON file named on the command line, ignores one found in a directory, goes on with the next', async () => {
    const sub = join(dir, 'mixed');
    mkdirSync(sub);
    writeFileSync(join(sub, 'a-notes.txt'), 'just some notes\n');
    writeFileSync(join(sub, 'b-garbage.json'), 'not json at all');
    writeFileSync(join(sub, 'c-good.jsonl'), `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`);
    writeFileSync(join(sub, 'd-empty.json'), '');
    writeFileSync(join(sub, 'e-binary.gz'), gzipSync(Buffer.from([0, 1, 2, 3, 255])));
    writeFileSync(join(sub, '.hidden.json'), JSON.stringify(record(9)));
    const c = await collect([join(sub, 'a-notes.txt'), sub, join(dir, 'missing.json')]);
    assert.deepEqual(
      c.files.map((f) => [relative(dir, f.file), f.status, f.records]),
      [
        ['missing.json', 'failed', 0],
        [join('mixed', 'a-notes.txt'), 'failed', 0],
        [join('mixed', 'b-garbage.json'), 'failed', 0],
        [join('mixed', 'c-good.jsonl'), 'ok', 2],
        [join('mixed', 'd-empty.json'), 'ok', 0],
        [join('mixed', 'e-binary.gz'), 'failed', 0],
      ],
    );
    assert.match(c.files[0]?.reason ?? '', /ENOENT/);
    assert.match(c.files[1]?.reason ?? '', /^not JSON: starts with "just some notes/);
    assert.match(c.files[5]?.reason ?? '', /not JSON.*after gunzip/);
    // The same directory walked alone: the .txt is ignored, not failed.
    const walked = await collect([sub]);
    assert.equal(walked.files.find((f) => f.file.endsWith('a-notes.txt'))?.status, 'ignored');
  });

  void it('yields batches of at most batchSize, the last one of a file carrying its result', async () => {
    const path = join(dir, 'batches.json');
    writeFileSync(path, JSON.stringify({ Records: Array.from({ length: 23 }, (_, i) => record(i)) }, null, 2));
    const c = await collect([path], { batchSize: 10 });
    assert.deepEqual(
      c.batches.map((b) => [b.entries.length, b.done?.records]),
      [
        [10, undefined],
        [10, undefined],
        [3, 23],
      ],
    );
  });

  void it('reads gzip inside a stored zip and deflated zip members; reports a corrupt zip', async () => {
    const body = JSON.stringify({ Records: [record(1), record(2)] });
    const zip = zipOf([
      { name: 'logs/b.json.gz', data: gzipSync(body), deflate: false },
      { name: 'logs/a.json', data: Buffer.from(JSON.stringify([record(3)])), deflate: true },
      { name: 'logs/', data: Buffer.alloc(0), deflate: false },
    ]);
    writeFileSync(join(dir, 'archive.zip'), zip);
    writeFileSync(join(dir, 'truncated.zip'), zip.subarray(0, zip.length - 30));
    const corrupt = Buffer.from(zip);
    corrupt.fill(0x41, 40, 60);
    writeFileSync(join(dir, 'corrupt.zip'), corrupt);
    const c = await collect([join(dir, 'archive.zip'), join(dir, 'truncated.zip'), join(dir, 'corrupt.zip')]);
    assert.deepEqual(
      c.files.map((f) => [relative(dir, f.file), f.status, f.records]),
      [
        ['archive.zip!/logs/a.json', 'ok', 1],
        ['archive.zip!/logs/b.json.gz', 'ok', 2],
        ['truncated.zip', 'failed', 0],
        ['corrupt.zip!/logs/a.json', 'ok', 1],
        ['corrupt.zip!/logs/b.json.gz', 'failed', 0],
      ],
    );
    assert.match(c.files[2]?.reason ?? '', /end-of-central-directory/);
  });

  void it('takes account and region from an S3 delivery file name when the record names none', async () => {
    const sub = join(dir, 'AWSLogs', '444455556666', 'CloudTrail', 'eu-west-3', '2024', '01', '01');
    mkdirSync(sub, { recursive: true });
    const bare = record(7);
    delete bare.recipientAccountId;
    delete bare.awsRegion;
    bare.userIdentity = { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' };
    writeFileSync(join(sub, '444455556666_CloudTrail_eu-west-3_20240101T0005Z_abcdefABCDEF1234.json.gz'), gzipSync(JSON.stringify({ Records: [bare] })));
    const c = await collect([join(dir, 'AWSLogs')]);
    assert.equal(c.entries.length, 1);
    assert.equal(c.entries[0]?.accountId, '444455556666');
    assert.equal(c.entries[0]?.region, 'eu-west-3');
    // A caller-supplied fallback is used for other files.
    writeFileSync(join(dir, 'bare.json'), JSON.stringify([bare]));
    const d = await collect([join(dir, 'bare.json')], { fallback: { accountId: '999999999999', region: 'ap-south-1' } });
    assert.equal(d.entries[0]?.accountId, '999999999999');
    const e = await collect([join(dir, 'bare.json')]);
    assert.deepEqual(e.files[0]?.skipReasons, { 'record names no account (recipientAccountId)': 1 });
  });

  void it('reads a file with a UTF-8 byte order mark, streamed or not', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ Records: [record(1)] }))]);
    writeFileSync(join(dir, 'bom.json'), body);
    writeFileSync(join(dir, 'bom-big.json'), Buffer.concat([body.subarray(0, body.length - 2), Buffer.from(' '.repeat(2 << 20)), Buffer.from(']}')]));
    const c = await collect([join(dir, 'bom.json'), join(dir, 'bom-big.json')]);
    assert.deepEqual(
      c.files.map((f) => [f.status, f.records]),
      [
        ['ok', 1],
        ['ok', 1],
      ],
    );
    assert.equal(c.entries[0]?.raw, JSON.stringify(record(1)));
  });

  void it('handles multi-byte UTF-8 split across read chunks', async () => {
    const text = 'é✓🚀日本'.repeat(200_000);
    const path = join(dir, 'unicode.json');
    writeFileSync(path, JSON.stringify([record(1, { text })]));
    const c = await collect([path]);
    assert.equal(c.entries.length, 1);
    assert.equal((JSON.parse(c.entries[0]?.raw ?? '{}') as { text: string }).text, text);
  });

  void it('stops cleanly when the consumer stops early (streamed file, zip member)', async () => {
    const big = join(dir, 'early.json');
    writeFileSync(big, JSON.stringify({ Records: Array.from({ length: 5000 }, (_, i) => record(i, { pad: 'y'.repeat(300) })) }));
    for (const path of [big, join(FIXTURES, 'otrf-security-datasets', 'datasets', 'atomic', 'aws', 'collection', 'ec2_proxy_s3_exfiltration.zip')]) {
      let seen = 0;
      for await (const b of readArchive([path], { batchSize: 10 })) {
        seen += b.entries.length;
        if (seen >= 10) break;
      }
      assert.equal(seen, 10);
    }
  });

  void it('lists each file once, directories sorted', async () => {
    const l = await listArchiveFiles([join(dir, 'mixed'), join(dir, 'mixed', 'c-good.jsonl'), join(dir, 'mixed')]);
    assert.deepEqual(
      l.files.map((f) => [relative(dir, f.path), f.explicit]),
      [
        [join('mixed', 'a-notes.txt'), false],
        [join('mixed', 'b-garbage.json'), false],
        [join('mixed', 'c-good.jsonl'), false],
        [join('mixed', 'd-empty.json'), false],
        [join('mixed', 'e-binary.gz'), false],
      ],
    );
  });
});
