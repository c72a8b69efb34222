/**
 * Trail delivery throughput beside ingest, on the same generated events:
 *   ingest   = EventStore.append of the events in batches of 1,000 (what `cairn import` and the
 *              group committer drive), events/s;
 *   delivery = the DeliveryWorker following that journal for one multi-region trail per account
 *              (default selectors: every management event), to a local directory and to moto's S3,
 *              journal events followed per second (and events written per second).
 * Delivery keeps up when it follows the journal at least as fast as ingest fills it (ratio ≥ 1).
 *
 *   node --import tsx bench/delivery.ts [--events 100000] [--seed 1] [--no-s3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { BucketStore } from '../src/buckets/index.js';
import { LocalDirectoryBuckets, S3Buckets } from '../src/buckets/index.js';
import { DeliveryWorker } from '../src/delivery/index.js';
import type { JournalEntry } from '../src/records/index.js';
import { toJournalEntry } from '../src/records/index.js';
import type { CairnStore } from '../src/store/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { defaultEventSelectors, initialStatus, trailArn } from '../src/trails/index.js';
import { MotoServer } from '../test/support/moto.js';
import { isMain, parseCount, runMain } from './lib/args.js';
import { generateRecords, recordJson } from './generate.js';
import type { Section } from './lib/report.js';
import { fmt, writeReport } from './lib/report.js';

const BUCKET = 'bench-trail';

async function ingest(store: CairnStore, entries: readonly JournalEntry[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < entries.length; i += 1000) await store.events.append(entries.slice(i, i + 1000));
  return entries.length / ((performance.now() - started) / 1000);
}

async function addTrails(store: CairnStore, accounts: readonly string[]): Promise<void> {
  for (const account of accounts) {
    const created = await store.trails.create(
      {
        name: `bench-${account}`,
        accountId: account,
        homeRegion: 'us-east-1',
        arn: trailArn('us-east-1', account, `bench-${account}`),
        s3BucketName: BUCKET,
        includeGlobalServiceEvents: true,
        isMultiRegionTrail: true,
        logFileValidationEnabled: true,
        isOrganizationTrail: false,
        eventSelectors: defaultEventSelectors(),
        hasCustomEventSelectors: false,
        insightSelectors: [],
        tags: [],
      },
      initialStatus(),
    );
    await store.trails.patchStatus(created!.id, { isLogging: true, session: 1, startSeq: 0, startLoggingTime: Date.now() });
  }
}

/** Runs delivery passes until every trail's cursor has reached the end of the journal. */
async function deliverAll(store: CairnStore, buckets: BucketStore): Promise<{ seconds: number; written: number }> {
  const worker = new DeliveryWorker({
    trails: store.trails,
    events: store.events,
    buckets,
    logger: pino({ level: 'silent' }),
    deliveryIntervalMs: 1,
    digestIntervalMs: 3_600_000,
  });
  const last = await store.events.lastSeq();
  const started = performance.now();
  for (;;) {
    await worker.runOnce({ force: true });
    const trails = await store.trails.list();
    const states = await Promise.all(trails.map((t) => store.trails.getDelivery(t.id)));
    if (states.every((s) => s && s.cursor >= last)) break;
  }
  const seconds = (performance.now() - started) / 1000;
  let written = 0;
  for (const key of await buckets.listKeys(BUCKET, 'AWSLogs/')) {
    if (!key.includes('/CloudTrail/')) continue;
    const object = await buckets.getObject(BUCKET, key);
    const { gunzipSync } = await import('node:zlib');
    written += (JSON.parse(gunzipSync(object!.body).toString()) as { Records: unknown[] }).Records.length;
  }
  return { seconds, written };
}

async function run(target: 'local directory' | 'moto S3', entries: readonly JournalEntry[], accounts: string[]): Promise<{ ingestRate: number; seconds: number; written: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-delivery-'));
  let moto: MotoServer | undefined;
  try {
    const store = openSqliteStore({ dataDir: join(dir, 'data') });
    let buckets: BucketStore;
    if (target === 'moto S3') {
      moto = await MotoServer.start();
      buckets = new S3Buckets({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    } else {
      buckets = new LocalDirectoryBuckets(join(dir, 'buckets'));
    }
    await buckets.createBucket(BUCKET);
    const ingestRate = await ingest(store, entries);
    await addTrails(store, accounts);
    const result = await deliverAll(store, buckets);
    await store.close();
    return { ingestRate, ...result };
  } finally {
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, 'no-s3': { type: 'boolean', default: false } } });
  const count = parseCount(values.events);
  const records = generateRecords(count, Number(values.seed));
  const entries = records.map((r) => {
    const raw = recordJson(r);
    return toJournalEntry(raw, JSON.parse(raw));
  });
  const accounts = [...new Set(entries.map((e) => e.accountId))].sort();
  const management = entries.filter((e) => e.category === 'Management').length;
  const sections: Section[] = [];
  const raw: Record<string, unknown> = { events: count, accounts, management };
  for (const target of values['no-s3'] ? (['local directory'] as const) : (['local directory', 'moto S3'] as const)) {
    const r = await run(target, entries, accounts);
    if (r.written !== management) throw new Error(`${target}: wrote ${r.written} events, expected ${management}`);
    const followed = count / r.seconds;
    sections.push({
      title: `delivery to ${target}, ${count} events (${management} management), ${accounts.length} multi-region trails`,
      figures: [
        { name: 'ingest (EventStore.append, batches of 1,000)', value: Math.round(r.ingestRate), unit: 'events/s' },
        { name: 'delivery: journal events followed', value: Math.round(followed), unit: 'events/s' },
        { name: 'delivery: events written to log files', value: Math.round(r.written / r.seconds), unit: 'events/s' },
        { name: 'delivery ÷ ingest', value: fmt(followed / r.ingestRate, 2), unit: '×', note: '≥ 1: delivery keeps up' },
      ],
    });
    raw[target] = r;
  }
  await writeReport('delivery', sections, raw);
}

if (isMain(import.meta.url)) runMain(main);
