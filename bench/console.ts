/**
 * Console event history on a big store: time from navigation to the first page of events rendered
 * in Chromium, beside the API call that page makes (SearchEvents, 50 events) timed alone.
 *
 *   node --import tsx bench/generate.ts --events 1M --out bench/out/data --seed 1
 *   node dist/cli/main.js import bench/out/data --data-dir bench/out/console-store
 *   node --import tsx bench/console.ts --store bench/out/console-store --dataset bench/out/data --runs 15
 *
 * Options:
 *   --store DIR     a data directory holding the imported events (required)
 *   --dataset DIR   the generated dataset (its manifest names the busiest account and region)
 *   --runs N        measured navigations per scenario (default 15; one warm-up each)
 *
 * Scenarios: the browser alone (navigation to /health, the floor); the unfiltered first page; a first page filtered by two conditions (EventName and
 * Username); the next page (a NextToken call) after the first. Writes bench/out/results-console.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ElementWrapper } from '@cloudscape-design/components/test-utils/selectors';
import { chromium } from 'playwright-core';
import { CairnProcess, CLI } from '../test/support/cairn-process.js';
import { isMain, parseNumber, runMain } from './lib/args.js';
import { BENCH_OUT } from './lib/report.js';

const ui = new ElementWrapper('body');
const ROWS = ui.findTable().findRows().toSelector();

interface Manifest {
  events: number;
  byAccount: Record<string, number>;
  byRegion: Record<string, number>;
  byName: Record<string, number>;
  bySource: Record<string, number>;
}

function busiest(counts: Record<string, number>): string {
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0];
}

function stats(samples: number[]): { median: number; p90: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p90: at(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { store: { type: 'string' }, dataset: { type: 'string', default: 'bench/out/data' }, runs: { type: 'string' } } });
  if (!values.store) throw new Error('--store DIR (a data directory with the imported events) is required');
  const runs = parseNumber(values.runs, 15, 'runs');
  const manifest = JSON.parse(readFileSync(join(values.dataset ?? 'bench/out/data', 'manifest.json'), 'utf8')) as Manifest;
  const account = busiest(manifest.byAccount);
  const region = busiest(manifest.byRegion);
  const keys = spawnSync(process.execPath, [CLI, 'keys', 'create', '--account-id', account, '--user', 'console-bench', '--data-dir', values.store], { encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(keys.stderr);
  const read = (name: string): string => new RegExp(`^export ${name}=(.*)$`, 'm').exec(keys.stdout)![1]!;
  const credentials = { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') };
  const cairn = await CairnProcess.start([], values.store);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(60_000);
    const base = `${cairn.url}/console`;
    await page.goto(`${base}/`);
    await page.locator('[data-testid=access-key-id] input').fill(credentials.accessKeyId);
    await page.locator('[data-testid=secret-access-key] input').fill(credentials.secretAccessKey);
    await page.locator('[data-testid=region] input').fill(region);
    await page.locator('[data-testid=sign-in] button, button[data-testid=sign-in]').first().click();
    await page.locator(ui.findTopNavigation().toSelector()).waitFor();

    // The newest imported event of the busiest service (not the bench's own recorded calls): its name and user, two conditions at once.
    const source = busiest(manifest.bySource);
    const probe = await page.evaluate<{ Events: { EventName: string; Username?: string }[] }>(
      `fetch('/console/api/call/SearchEvents', {method:'POST', headers:{'Content-Type':'application/json','X-Cairn-Console':'1'}, body: JSON.stringify({MaxResults: 200, LookupAttributes: [{AttributeKey: 'EventSource', AttributeValue: ${JSON.stringify(source)}}]})}).then(r => r.json())`,
    );
    const sample = probe.Events.find((e) => e.Username);
    if (!sample) throw new Error(`no ${source} event with a user among the newest 200`);
    const filtered = `?filter=EventName:${encodeURIComponent(sample.EventName)}&filter=Username:${encodeURIComponent(sample.Username ?? '')}`;

    const navigate = async (query: string): Promise<number> => {
      await page.goto('about:blank');
      const start = performance.now();
      await page.goto(`${base}/events${query}`);
      await page.locator(ROWS).first().waitFor();
      return performance.now() - start;
    };
    const nextPage = async (): Promise<number> => {
      await page.goto(`${base}/events`);
      await page.locator(ROWS).first().waitFor();
      const first = await page.locator(ROWS).first().innerText();
      const start = performance.now();
      await page.locator(ui.findPagination().findNextPageButton().toSelector()).click();
      await page.waitForFunction(`(() => { const row = document.querySelector(${JSON.stringify(ROWS)}); return row !== null && row.innerText !== ${JSON.stringify(first)}; })()`);
      return performance.now() - start;
    };
    const apiCall = async (input: Record<string, unknown>): Promise<number> =>
      page.evaluate<number>(
        `(async () => { const t = performance.now(); const r = await fetch('/console/api/call/SearchEvents', {method:'POST', headers:{'Content-Type':'application/json','X-Cairn-Console':'1'}, body: ${JSON.stringify(JSON.stringify(input))}}); await r.json(); return performance.now() - t; })()`,
      );

    // The machine's floor: the same browser navigating to a page with no app (Cairn's /health JSON).
    const bare = async (): Promise<number> => {
      await page.goto('about:blank');
      const start = performance.now();
      await page.goto(`${cairn.url}/health`);
      await page.locator('body').waitFor();
      return performance.now() - start;
    };
    const scenarios: Record<string, () => Promise<number>> = {
      'browser alone: navigation to /health (no app)': bare,
      'first page, no filter (navigation → rows)': () => navigate(''),
      'API alone: SearchEvents 50, no filter': () => apiCall({ MaxResults: 50 }),
      'first page, EventName + Username (navigation → rows)': () => navigate(filtered),
      'API alone: SearchEvents 50, EventName + Username': () =>
        apiCall({ MaxResults: 50, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: sample.EventName }, { AttributeKey: 'Username', AttributeValue: sample.Username ?? '' }] }),
      'next page (click → rows)': nextPage,
    };
    const results: Record<string, ReturnType<typeof stats>> = {};
    for (const [name, run] of Object.entries(scenarios)) {
      await run(); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await run());
      results[name] = stats(samples);
      const s = results[name];
      console.log(`${name.padEnd(56)} median ${s.median.toFixed(0).padStart(5)} ms   p90 ${s.p90.toFixed(0).padStart(5)} ms   min ${s.min.toFixed(0)}   max ${s.max.toFixed(0)}`);
    }
    mkdirSync(BENCH_OUT, { recursive: true });
    writeFileSync(join(BENCH_OUT, 'results-console.json'), JSON.stringify({ events: manifest.events, partition: { account, region }, filter: sample, runs, results }, null, 2));
    console.log(`\nstore: ${manifest.events.toLocaleString()} events; signed in to account ${account}, ${region}; filter ${sample.EventName} by ${sample.Username ?? '-'}`);
  } finally {
    await browser.close();
    await cairn.stop();
  }
}

if (isMain(import.meta.url)) runMain(main);
