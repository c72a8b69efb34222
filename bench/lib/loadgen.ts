/**
 * HTTP load generator on node:http: a keep-alive agent, a fixed number of concurrent
 * request loops, a fixed duration or request count, and every request's latency (hrtime).
 *
 * Run it in a child process so it does not share an event loop with the server under test
 * (on a 2-core machine, client and server then compete for the cores the way they would in
 * reality, and the report shows how much CPU each side used):
 *
 *   const result = await runLoadInChild({
 *     url: 'http://127.0.0.1:8080',
 *     concurrency: 16, durationMs: 10_000, warmupMs: 1_000,
 *     builder: { module: 'bench/lib/requests.ts', export: 'lookupEventsBuilder', args: {...} },
 *   });
 *
 * A builder module exports a factory `(args) => RequestBuilder | Promise<RequestBuilder>`; the
 * factory runs once in the child (sign requests there, once per distinct body), then the
 * RequestBuilder is called for every request. `runLoad(options, builder)` is the same thing
 * in-process.
 *
 * CLI (fixed request, handy against any server):
 *   node --import tsx bench/lib/loadgen.ts --url http://127.0.0.1:8080/ [--concurrency 16]
 *        [--duration 10] [--requests N] [--warmup 1] [--method POST] [--body '{}'] [-H 'k: v']
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMain, parseNumber, runMain } from './args.js';

export interface HttpRequestSpec {
  method: string;
  /** Path and query, e.g. `/` or `/?x=1`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Builds request number `i` (0-based, across all loops). */
export type RequestBuilder = (i: number) => HttpRequestSpec;
export type BuilderFactory = (args: unknown) => RequestBuilder | Promise<RequestBuilder>;

export interface LoadOptions {
  /** Base URL of the server: protocol http, host and port (path comes from the builder). */
  url: string;
  /** Concurrent request loops = sockets (default 16). */
  concurrency?: number;
  /** Measure for this long (default 10 s unless `requests` is set). */
  durationMs?: number;
  /** Or: measure exactly this many requests. */
  requests?: number;
  /** Run this long first without recording (default 1000 ms; 0 = none). */
  warmupMs?: number;
  /** Per-request timeout (default 30 s); a timeout counts as an error. */
  timeoutMs?: number;
  /** Status counted as success (default: every 2xx). */
  expectStatus?: number;
}

export interface LoadResult {
  concurrency: number;
  /** Measured requests (successes + errors), warm-up excluded. */
  requests: number;
  errors: number;
  /** Status code → count (0 = network error / timeout). */
  statusCounts: Record<string, number>;
  firstError?: string;
  durationMs: number;
  rps: number;
  /** Latencies of all measured requests, milliseconds. */
  latencyMs: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
  bytesReceived: number;
  meanResponseBytes: number;
  /** CPU the load generator itself used during the measured window. */
  cpu: { userMs: number; systemMs: number; cores: number };
  /** Process id of the load generator (differs from the server's when run in a child). */
  pid: number;
}

class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

interface OneResult {
  status: number;
  bytes: number;
  error?: string;
}

function once(agent: http.Agent, base: URL, spec: HttpRequestSpec, timeoutMs: number): Promise<OneResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: OneResult): void => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined && headers['content-length'] === undefined && headers['Content-Length'] === undefined) {
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    const req = http.request(
      { agent, hostname: base.hostname, port: base.port, method: spec.method, path: spec.path, headers, timeout: timeoutMs },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, bytes }));
        res.on('error', (err) => done({ status: 0, bytes, error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => done({ status: 0, bytes: 0, error: err.message }));
    req.end(spec.body);
  });
}

/** Runs the load in this process. Prefer `runLoadInChild` when the server is in this process too. */
export async function runLoad(options: LoadOptions, build: RequestBuilder): Promise<LoadResult> {
  const base = new URL(options.url);
  if (base.protocol !== 'http:') throw new Error(`only http:// is supported (got ${options.url})`);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  const warmupMs = options.warmupMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const countMode = options.requests !== undefined;
  const durationMs = options.durationMs ?? 10_000;
  const isOk = (s: number): boolean => (options.expectStatus === undefined ? s >= 200 && s < 300 : s === options.expectStatus);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

  let next = 0;
  // Warm-up: same loops, nothing recorded.
  if (warmupMs > 0) {
    const until = performance.now() + warmupMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) await once(agent, base, build(next++), timeoutMs);
      }),
    );
  }

  const samples = new Samples();
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  let issued = 0;
  const target = options.requests ?? Number.POSITIVE_INFINITY;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = countMode ? Number.POSITIVE_INFINITY : t0 + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < target && performance.now() < deadline) {
        issued++;
        const spec = build(next++);
        const start = performance.now();
        const r = await once(agent, base, spec, timeoutMs);
        samples.push(performance.now() - start);
        statusCounts[String(r.status)] = (statusCounts[String(r.status)] ?? 0) + 1;
        bytes += r.bytes;
        if (!isOk(r.status)) {
          errors++;
          firstError ??= r.error ?? `HTTP ${r.status}`;
        }
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  const sorted = samples.sorted();
  const sum = sorted.reduce((a, b) => a + b, 0);
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    concurrency,
    requests: sorted.length,
    errors,
    statusCounts,
    firstError,
    durationMs: Math.round(elapsed),
    rps: Math.round((sorted.length / elapsed) * 1000 * 10) / 10,
    latencyMs: {
      min: round(sorted[0] ?? Number.NaN),
      mean: round(sum / Math.max(1, sorted.length)),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
    },
    bytesReceived: bytes,
    meanResponseBytes: Math.round(bytes / Math.max(1, sorted.length)),
    cpu: { userMs: Math.round(cpu.user / 1000), systemMs: Math.round(cpu.system / 1000), cores: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 100) / 100 },
    pid: process.pid,
  };
}

export interface BuilderRef {
  /** Module path (relative to the current directory, or absolute) or file: URL. */
  module: string;
  /** Exported factory name (default `createBuilder`). */
  export?: string;
  /** Passed to the factory; must survive structured cloning. */
  args?: unknown;
}

export interface ChildLoadOptions extends LoadOptions {
  builder: BuilderRef;
}

type ChildMessage = { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

function moduleUrl(ref: string): string {
  return ref.startsWith('file:') ? ref : pathToFileURL(path.resolve(ref)).href;
}

/**
 * Runs the load generator in a separate Node process (with tsx), so the server under test keeps
 * its own event loop; resolves with the child's figures (its pid and CPU use included).
 */
export function runLoadInChild(options: ChildLoadOptions): Promise<LoadResult> {
  const self = fileURLToPath(import.meta.url);
  const tsx = import.meta.resolve('tsx');
  return new Promise((resolve, reject) => {
    const child = fork(self, ['--child'], { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    let outcome: ChildMessage | undefined;
    child.on('message', (m: ChildMessage) => {
      outcome = m;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (outcome?.type === 'result') resolve(outcome.result);
      else reject(new Error(outcome?.type === 'error' ? `load generator: ${outcome.message}` : `load generator exited with code ${code}`));
    });
    child.send({ ...options, builder: { ...options.builder, module: moduleUrl(options.builder.module) } });
  });
}

async function childMain(): Promise<void> {
  const options = await new Promise<ChildLoadOptions>((resolve) => process.once('message', (m: ChildLoadOptions) => resolve(m)));
  try {
    const mod = (await import(options.builder.module)) as Record<string, unknown>;
    const factory = mod[options.builder.export ?? 'createBuilder'];
    if (typeof factory !== 'function') throw new Error(`${options.builder.module} does not export ${options.builder.export ?? 'createBuilder'}`);
    const build = await (factory as BuilderFactory)(options.builder.args);
    const result = await runLoad(options, build);
    process.send?.({ type: 'result', result } satisfies ChildMessage);
  } catch (err) {
    process.send?.({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ChildMessage);
  }
  process.disconnect?.();
}

/** One-line summary: "12,345 req/s  p50 1.2 ms  p90 …". */
export function formatLoad(r: LoadResult): string {
  const ms = (v: number): string => `${v.toFixed(2)} ms`;
  return `${r.rps.toLocaleString('en-US')} req/s  p50 ${ms(r.latencyMs.p50)}  p90 ${ms(r.latencyMs.p90)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}  (${r.requests} requests, ${r.errors} errors, c=${r.concurrency}, client cpu ${r.cpu.cores} cores)`;
}

async function cliMain(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      concurrency: { type: 'string', short: 'c' },
      duration: { type: 'string', short: 'd' },
      requests: { type: 'string', short: 'n' },
      warmup: { type: 'string' },
      method: { type: 'string', default: 'GET' },
      path: { type: 'string' },
      body: { type: 'string' },
      header: { type: 'string', short: 'H', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.url) throw new Error('usage: loadgen.ts --url http://host:port/path [-c 16] [-d 10] [-n N] [--warmup 1] [--method POST] [--body ...] [-H "k: v"]');
  const url = new URL(values.url);
  const headers: Record<string, string> = {};
  for (const h of values.header ?? []) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const result = await runLoadInChild({
    url: url.origin,
    concurrency: parseNumber(values.concurrency, 16, '--concurrency'),
    durationMs: parseNumber(values.duration, 10, '--duration') * 1000,
    requests: values.requests === undefined ? undefined : parseNumber(values.requests, 0, '--requests'),
    warmupMs: parseNumber(values.warmup, 1, '--warmup') * 1000,
    builder: { module: new URL('./requests.ts', import.meta.url).href, export: 'fixedBuilder', args: { method: values.method, path: values.path ?? `${url.pathname}${url.search}`, headers, body: values.body } },
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatLoad(result));
}

if (process.argv.includes('--child') && process.send) {
  runMain(childMain);
} else if (isMain(import.meta.url)) {
  runMain(cliMain);
}
