/**
 * Self-check of the benchmark tooling (not a benchmark): the generator is deterministic, writes
 * what generateRecords returns, in AWS's layout, with the intended mix; the fast serialiser is
 * byte-identical to JSON.stringify; LookupEvents bodies round-trip; the SigV4 signer matches the
 * AWS SDK's; the load generator and bare server agree on every byte. Exit code 1 on any failure.
 *
 *   node --import tsx bench/check.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { RecordGenerator, fileBody, generateRecords, recordJson, writeDataset } from './generate.js';
import type { GenRecord } from './generate.js';
import { runMain } from './lib/args.js';
import { summarise } from './profile-summary.js';
import { describeOtherLoad, sampleOtherLoad } from './lib/other-load.js';
import { startBareServer } from './lib/bare-server.js';
import { runLoadInChild } from './lib/loadgen.js';
import { lookupEventsBody, lookupRequestMix, pageBodySizes } from './lib/lookup-shape.js';
import { signJsonRequest } from './lib/sigv4.js';

const END = '2025-11-26T00:00:00Z';
let failures = 0;

function check(name: string, ok: boolean, detail = ''): void {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${detail ? `  — ${detail}` : ''}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const KEY = /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$/;

function recordProblems(r: GenRecord): string[] {
  const p: string[] = [];
  if (!/^1\.(08|09|10|11)$/.test(r.eventVersion)) p.push(`eventVersion ${r.eventVersion}`);
  if (!r.userIdentity?.type) p.push('userIdentity.type');
  if (!TIME.test(r.eventTime)) p.push(`eventTime ${r.eventTime}`);
  if (!/^[a-z0-9-]+\.amazonaws\.com$/.test(r.eventSource)) p.push(`eventSource ${r.eventSource}`);
  if (!/^[A-Z][A-Za-z0-9]+$/.test(r.eventName)) p.push(`eventName ${r.eventName}`);
  if (!UUID.test(r.eventID)) p.push(`eventID ${r.eventID}`);
  if (!/^\d{12}$/.test(r.recipientAccountId)) p.push('recipientAccountId');
  if (typeof r.readOnly !== 'boolean' || typeof r.managementEvent !== 'boolean') p.push('booleans');
  if (r.eventCategory === 'Data' && (r.managementEvent || !r.resources?.some((x) => x.type === 'AWS::S3::Object'))) p.push('data event shape');
  if (r.errorCode !== undefined && r.responseElements !== null) p.push('error with responseElements');
  return p;
}

async function sdkSignatureMatches(): Promise<{ ok: boolean; detail: string }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Node 20 is this project's target
  const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  let captured: { headers: http.IncomingHttpHeaders; body: string } | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      captured = { headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"Events":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new CloudTrailClient({ endpoint, region: 'us-east-1', credentials: creds });
    await client.send(new LookupEventsCommand({ MaxResults: 50, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] }));
    client.destroy();
    const h = captured!.headers;
    const d = String(h['x-amz-date']);
    const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
    const extra: Record<string, string> = {};
    for (const k of ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent']) if (h[k] !== undefined) extra[k] = String(h[k]);
    const mine = await signJsonRequest({ endpoint, region: 'us-east-1', service: 'cloudtrail', target: String(h['x-amz-target']), body: captured!.body, credentials: creds, date, headers: extra });
    return { ok: mine.headers.authorization === h.authorization, detail: `SDK X-Amz-Target: ${String(h['x-amz-target'])}` };
  } finally {
    server.close();
  }
}

async function main(): Promise<void> {
  // 1. Serialiser and determinism.
  const a = generateRecords(20_000, 3, { end: END });
  const b = generateRecords(20_000, 3, { end: END });
  const c = generateRecords(2_000, 4, { end: END });
  let same = 0;
  for (const r of a) if (recordJson(r) === JSON.stringify(r)) same++;
  check('recordJson === JSON.stringify', same === a.length, `${same}/${a.length}`);
  check('same seed → same records', a.length === b.length && a.every((r, i) => recordJson(r) === recordJson(b[i]!)));
  check('other seed → other records', recordJson(a[0]!) !== recordJson(c[0]!));
  const problems = a.flatMap((r) => recordProblems(r).map((p) => `${r.eventName}: ${p}`));
  check('every record well-formed', problems.length === 0, problems.slice(0, 3).join('; '));

  // 2. Files on disk = generateRecords, AWS key layout, ordering.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-check-'));
  try {
    const n = 12_345;
    const summary = await writeDataset({ events: n, out: dir, seed: 5, end: END, workers: 2, progress: false });
    const gen = new RecordGenerator(5, { end: END });
    const plans = gen.plan(n);
    let bodiesEqual = 0;
    let keysOk = 0;
    let ordered = true;
    let lastTime = '';
    let sizesOk = true;
    for (const plan of plans) {
      const expected = fileBody(gen.file(plan, n).records);
      const actual = gunzipSync(readFileSync(path.join(dir, plan.key))).toString('utf8');
      if (actual === expected) bodiesEqual++;
      const m = KEY.exec(plan.key);
      if (m && m[1] === m[6] && m[2] === m[7] && m[1] === plan.account && m[2] === plan.region && `${m[3]}${m[4]}${m[5]}` === m[8]) keysOk++;
      const doc = JSON.parse(actual) as { Records: GenRecord[] };
      for (const r of doc.Records) {
        if (r.eventTime < lastTime || r.awsRegion !== plan.region || r.recipientAccountId !== plan.account) ordered = false;
        lastTime = r.eventTime;
      }
      if (plan.index < plans.length - 1 && (plan.count < 200 || plan.count > 1000)) sizesOk = false;
    }
    check('files = generateRecords (byte for byte)', bodiesEqual === plans.length, `${bodiesEqual}/${plans.length} files`);
    check('object keys in AWS layout', keysOk === plans.length, `${keysOk}/${plans.length}`);
    check('eventTime increasing across files; region/account match key', ordered);
    check('200–1000 records per file', sizesOk);
    check('summary counts', summary.events === n && summary.files === plans.length);
    const records = generateRecords(n, 5, { end: END });
    check('generateRecords(n, seed) matches the dataset', records.length === n && recordJson(records[n - 1]!) === recordJson(gen.file(plans[plans.length - 1]!, n).records.at(-1)!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // 3. Mix.
  const mix = generateRecords(60_000, 1, { end: END });
  const share = (f: (r: GenRecord) => boolean): number => mix.filter(f).length / mix.length;
  const ro = share((r) => r.readOnly);
  const err = share((r) => r.errorCode !== undefined || r.errorMessage !== undefined);
  const data = share((r) => r.eventCategory === 'Data');
  const east = share((r) => r.awsRegion === 'us-east-1');
  check('~70 % readOnly', ro > 0.65 && ro < 0.78, `${(ro * 100).toFixed(1)} %`);
  check('~5 % errors', err > 0.03 && err < 0.07, `${(err * 100).toFixed(1)} %`);
  check('~5 % data events', data > 0.035 && data < 0.07, `${(data * 100).toFixed(1)} %`);
  check('mostly us-east-1', east > 0.6 && east < 0.8, `${(east * 100).toFixed(1)} %`);
  const types = new Set(mix.map((r) => r.userIdentity.type));
  check('identity types', ['IAMUser', 'AssumedRole', 'Root', 'AWSService'].every((t) => types.has(t)), [...types].join(', '));
  const versions = new Set(mix.map((r) => r.eventVersion));
  check('eventVersion 1.08–1.11', ['1.08', '1.09', '1.10', '1.11'].every((v) => versions.has(v)), [...versions].sort().join(', '));
  const accounts = new Set(mix.map((r) => r.recipientAccountId));
  check('3 accounts', accounts.size === 3);

  // 4. LookupEvents shapes.
  const page = mix.filter((r) => r.eventCategory === 'Management').slice(0, 50);
  const parsed = JSON.parse(lookupEventsBody(page)) as { Events: { CloudTrailEvent: string; EventTime: number; ReadOnly: string }[] };
  check('LookupEvents body round-trips', parsed.Events.length === 50 && parsed.Events.every((e, i) => e.CloudTrailEvent === recordJson(page[i]!) && typeof e.EventTime === 'number' && (e.ReadOnly === 'true' || e.ReadOnly === 'false')));
  const sizes = pageBodySizes(mix, 50, 100);
  check('page size statistics', sizes.pages === 100 && sizes.meanBytes > 20_000, `mean ${sizes.meanBytes} B`);
  const reqs = lookupRequestMix(mix, 24);
  check('request mix', reqs.length === 24 && reqs.slice(1).every((r) => r.LookupAttributes?.length === 1));

  // 5. SigV4 against the AWS SDK.
  const sig = await sdkSignatureMatches();
  check('SigV4 signature = AWS SDK signature', sig.ok, sig.detail);

  // 6. Load generator (child process) against the bare server.
  const server = await startBareServer({ bytes: 54_321 });
  try {
    const r = await runLoadInChild({
      url: server.url,
      concurrency: 4,
      requests: 300,
      warmupMs: 0,
      builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: { endpoint: server.url, bodies: reqs } },
    });
    check('load generator: count mode, no errors, full bodies', r.requests === 300 && r.errors === 0 && r.meanResponseBytes === 54_321 && server.requests() === 300, `${r.requests} req, ${r.errors} errors, ${r.meanResponseBytes} B/resp`);
    check('load generator runs in another process', r.pid !== process.pid, `child pid ${r.pid}`);
  } finally {
    await server.close();
  }

  // 7. Profile summary: a synthetic profile whose times are known.
  const frame = (functionName: string): { functionName: string; url: string; lineNumber: number } => ({ functionName, url: 'file:///x/src/a.ts', lineNumber: 1 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('lookup'), children: [3] },
      { id: 3, callFrame: frame('walk') },
      { id: 4, callFrame: frame('encode') },
    ],
    samples: [3, 3, 2, 4],
    timeDeltas: [1000, 2000, 3000, 4000],
  };
  const all = summarise(profile);
  const lookup = summarise(profile, 'lookup');
  const ms = (rows: [string, number][], name: string): number | undefined => rows.find(([n]) => n.startsWith(name))?.[1];
  check(
    'profile summary: self, inclusive and under a function',
    all.totalMs === 10 && ms(all.self, 'walk') === 3 && ms(all.inclusive, 'lookup') === 6 && ms(all.self, 'encode') === 4 && lookup.totalMs === 6 && ms(lookup.self, 'encode') === undefined,
    JSON.stringify({ all, lookup }),
  );

  // 8. Other load: a process spinning beside the benchmark is seen, by its pid.
  const spinner = spawn(process.execPath, ['-e', 'const end = Date.now() + 4000; while (Date.now() < end);'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const load = await sampleOtherLoad(1000);
    const seen = load?.top.find((p) => p.pid === spinner.pid);
    check('other load: a spinning process is named, with about one core', load !== undefined && load.busyCores >= 0.7 && seen !== undefined && seen.cores >= 0.7 && describeOtherLoad(load).startsWith('WARNING'), JSON.stringify(load));
  } finally {
    spinner.kill('SIGKILL');
  }

  console.log(failures === 0 ? '\nall checks passed' : `\n${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

runMain(main);
