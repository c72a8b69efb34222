/**
 * Scale-out figures: one, two and three `cairn serve` nodes on one PostgreSQL, beside the
 * single-process SQLite store, on the same data and the same load, in one run:
 *   1. LookupEvents over HTTP (SigV4, keep-alive, the attribute mix of bench/cairn.ts), the load
 *      spread evenly over the nodes;
 *   2. ingest: recorded API calls (ListTrails), each acknowledged only once its event is committed,
 *      spread the same way; events/s = acknowledged calls/s.
 *
 *   node --import tsx bench/generate.ts --events 200000 --out bench/out/data-200k --seed 1
 *   npm run build && node --import tsx bench/scale.ts --data bench/out/data-200k [--duration 8] [--concurrency 16]
 *
 * PostgreSQL runs with its durable defaults (fsync on, synchronous_commit on), started by the test
 * harness (initdb into a temporary directory). Writes bench/out/results-scale.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importArchive } from '../src/import/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { PostgresServer } from '../test/support/postgres.js';
import { sampleRecords } from './baseline.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import type { LoadResult } from './lib/loadgen.js';
import { runLoadInChild } from './lib/loadgen.js';
import { lookupRequestMix } from './lib/lookup-shape.js';
import type { ServerProcess } from './lib/proc.js';
import { createAccessKey, runTimed, spawnServer } from './lib/proc.js';
import type { Figure } from './lib/report.js';
import { BENCH_OUT, REPO_ROOT, fmt, ratio, writeReport } from './lib/report.js';
import type { Credentials } from './lib/sigv4.js';
import type { LookupEventsRequestBody } from './lib/lookup-shape.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const PG_KEY: Credentials = { accessKeyId: 'AKIASCALEBENCH000001', secretAccessKey: 'scale-bench-secret-key-0000000000000000' };

interface Setup {
  name: string;
  /** Extra `cairn serve` arguments; one data directory per node. */
  args: string[];
  nodes: number;
  credentials: Credentials;
}

interface Measured {
  lookup: LoadResult[];
  ingest: LoadResult[];
  lookupRps: number;
  ingestRps: number;
  serverCores: number;
}

/** Runs `concurrency` request loops split evenly over the nodes, all at once; sums what they did. */
async function spreadLoad(
  servers: ServerProcess[],
  concurrency: number,
  durationMs: number,
  args: (server: ServerProcess) => Record<string, unknown>,
): Promise<LoadResult[]> {
  return Promise.all(
    servers.map((server, i) =>
      runLoadInChild({
        url: server.url,
        concurrency: Math.floor(concurrency / servers.length) + (i < concurrency % servers.length ? 1 : 0),
        durationMs,
        warmupMs: 1_000,
        builder: { module: new URL('./lib/requests.ts', import.meta.url).href, export: 'lookupEventsBuilder', args: args(server) },
      }),
    ),
  );
}

const sum = (loads: LoadResult[], pick: (l: LoadResult) => number): number => loads.reduce((s, l) => s + pick(l), 0);

async function measure(setup: Setup, o: { concurrency: number; durationMs: number; region: string; lookups: LookupEventsRequestBody[] }): Promise<Measured> {
  const dirs = Array.from({ length: setup.nodes }, () => mkdtempSync(path.join(tmpdir(), 'cairn-scale-node-')));
  const servers: ServerProcess[] = [];
  try {
    for (const dir of dirs) servers.push(await spawnServer({ command: process.execPath, args: [CLI, 'serve', '--data-dir', dir, '--port', '0', ...setup.args] }));
    const cpu0 = servers.map((s) => s.cpuMs());
    const t0 = performance.now();
    const lookup = await spreadLoad(servers, o.concurrency, o.durationMs, (s) => ({ endpoint: s.url, region: o.region, credentials: setup.credentials, bodies: o.lookups }));
    const ingest = await spreadLoad(servers, o.concurrency, o.durationMs, (s) => ({ endpoint: s.url, region: o.region, credentials: setup.credentials, operation: 'ListTrails', bodies: [{}] }));
    const serverCores = servers.reduce((c, s, i) => c + (s.cpuMs() - cpu0[i]!), 0) / (performance.now() - t0);
    for (const load of [...lookup, ...ingest]) if (load.errors > 0) throw new Error(`${setup.name}: ${load.errors} errors (${load.firstError})`);
    return { lookup, ingest, lookupRps: sum(lookup, (l) => l.rps), ingestRps: sum(ingest, (l) => l.rps), serverCores };
  } finally {
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(BENCH_OUT, 'data') },
      duration: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const dir = values.data;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { events: number; files: number };
  const durationMs = parseNumber(values.duration, 8, '--duration') * 1000;
  const concurrency = parseNumber(values.concurrency, 16, '--concurrency');

  // The request mix of bench/cairn.ts: the busiest (account, region), every lookup attribute.
  const records = await sampleRecords(dir);
  const partitions = new Map<string, number>();
  for (const r of records) if (r.eventCategory === 'Management') partitions.set(`${r.recipientAccountId}/${r.awsRegion}`, (partitions.get(`${r.recipientAccountId}/${r.awsRegion}`) ?? 0) + 1);
  const [busiest] = [...partitions].sort((a, b) => b[1] - a[1])[0]!;
  const [accountId, region] = busiest.split('/') as [string, string];
  const lookups = lookupRequestMix(
    records.filter((r) => r.recipientAccountId === accountId && r.awsRegion === region),
    32,
  );

  const sqliteDir = mkdtempSync(path.join(tmpdir(), 'cairn-scale-sqlite-'));
  const pg = await PostgresServer.start({ durable: true, maxConnections: 100 });
  const sections: { title: string; figures: Figure[] }[] = [];
  const data: Record<string, unknown> = { dataset: dir, manifest, accountId, region };
  try {
    // The same events in both stores.
    const sqliteImport = await runTimed(process.execPath, [CLI, 'import', '--data-dir', sqliteDir, dir]);
    if (sqliteImport.exitCode !== 0) throw new Error(`import failed: ${sqliteImport.stderr}`);
    const sqliteKey = createAccessKey(CLI, sqliteDir, accountId);
    const url = await pg.createDatabase('scale');
    const store = await openPostgresStore({ url });
    const t0 = performance.now();
    const pgImport = await importArchive([dir], store.events);
    const pgImportMs = performance.now() - t0;
    await store.credentials.put({ ...PG_KEY, accountId, principalType: 'Root', createdAt: Date.now() });
    const pgBytes = await store.events.storedBytes();
    await store.pool.query('VACUUM ANALYZE');
    await store.close();
    sections.push({
      title: `the same ${manifest.events} events in each store (import, then the server runs)`,
      figures: [
        { name: 'SQLite import', value: Math.round(manifest.events / (sqliteImport.wallMs / 1000)), unit: 'events/s', note: 'cairn import' },
        { name: 'PostgreSQL import', value: Math.round(pgImport.inserted / (pgImportMs / 1000)), unit: 'events/s', note: `importArchive into the PostgreSQL store, ${fmt(pgBytes / pgImport.inserted)} B/event stored` },
      ],
    });

    const setups: Setup[] = [
      { name: 'SQLite, 1 process', args: [], nodes: 1, credentials: sqliteKey },
      ...[1, 2, 3].map((n) => ({ name: `PostgreSQL, ${n} node${n > 1 ? 's' : ''}`, args: ['--store', url], nodes: n, credentials: PG_KEY })),
    ];
    const results = new Map<string, Measured>();
    for (const setup of setups) {
      // Each setup's own SQLite data directory would be empty: the SQLite server serves the imported one.
      const args = setup.nodes === 1 && setup.args.length === 0 ? ['--data-dir', sqliteDir] : setup.args;
      results.set(setup.name, await measure({ ...setup, args }, { concurrency, durationMs, region, lookups }));
    }
    const sqlite = results.get(setups[0]!.name)!;
    const one = results.get(setups[1]!.name)!;
    for (const [key, label, pick] of [
      ['lookup', 'LookupEvents', (m: Measured) => m.lookupRps],
      ['ingest', 'ingest (recorded ListTrails calls, each acknowledged after its commit)', (m: Measured) => m.ingestRps],
    ] as const) {
      sections.push({
        title: `${label}, c=${concurrency} in total spread over the nodes, ${durationMs / 1000} s each`,
        figures: setups.map((s) => {
          const m = results.get(s.name)!;
          const loads = key === 'lookup' ? m.lookup : m.ingest;
          const p99 = Math.max(...loads.map((l) => l.latencyMs.p99));
          return {
            name: s.name,
            value: Math.round(pick(m)),
            unit: key === 'lookup' ? 'req/s' : 'events/s',
            note: `${fmt(ratio(pick(m), pick(one)), 2)}× one PostgreSQL node, ${fmt(ratio(pick(m), pick(sqlite)), 2)}× SQLite; p99 ${p99} ms; servers ${fmt(m.serverCores, 2)} cores`,
          };
        }),
      });
    }
    data.results = Object.fromEntries(results);
  } finally {
    await pg.stop();
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  await writeReport('scale', sections, data);
}

if (isMain(import.meta.url)) runMain(main);
