/**
 * Crash safety, black-box: `cairn serve` and `cairn import` are killed with SIGKILL mid-work and started again.
 * - An API call whose response reached the client was recorded before the answer (DESIGN.md, "The pipeline":
 *   an event is acknowledged only once durable), so its event is in the history after a restart, exactly once.
 * - `cairn import` appends batch by batch and skips eventIDs it already holds: a killed import run again ends
 *   with every record stored exactly once, also while a server works on the same data directory.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { CairnProcess, CLI } from './support/cairn-process.js';
import type { JsonResponse, WireEvent } from './support/signed-json-client.js';
import { CAIRN_TARGET, CLOUDTRAIL_TARGET, searchAll, SignedJsonClient } from './support/signed-json-client.js';
import type { SyntheticArchive } from './support/synthetic-archive.js';
import { writeSyntheticArchive } from './support/synthetic-archive.js';

const ACCOUNT = '123456789012';
const LOOKUP = `${CLOUDTRAIL_TARGET}.LookupEvents`;
const SEARCH = `${CAIRN_TARGET}.SearchEvents`;

const scratch: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The marker a LookupEvents call carries in its request (and so in its record's requestParameters). */
function lookupInput(marker: string): Record<string, unknown> {
  return { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: marker }], MaxResults: 5 };
}

interface RecordedCall {
  eventID: string;
  requestID: string;
  marker: string | undefined;
}

/** The record's ids and the marker found in its requestParameters. */
function recordedCall(event: WireEvent): RecordedCall {
  const record = JSON.parse(event.CloudTrailEvent) as {
    eventID: string;
    requestID: string;
    requestParameters: { lookupAttributes?: { attributeKey?: string; attributeValue?: string }[] } | null;
  };
  assert.equal(record.eventID, event.EventId, 'EventId and the record eventID agree');
  return { eventID: record.eventID, requestID: record.requestID, marker: record.requestParameters?.lookupAttributes?.[0]?.attributeValue };
}

/** Fails on the first value seen twice. */
function assertUnique(values: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    assert.ok(!seen.has(v), `${what} ${v} appears twice`);
    seen.add(v);
  }
}

void describe('cairn serve killed with SIGKILL mid-traffic', () => {
  const CLIENTS = 8;
  const ANSWERED_BEFORE_KILL = 300;
  const CYCLES = 3;

  interface Answered {
    marker: string;
    requestId: string;
  }

  interface CycleResult {
    answered: Answered[];
    /** Calls in flight when the server died (no complete response). */
    unanswered: string[];
    /** Complete responses other than 200 (none are expected). */
    unexpected: string[];
  }

  /** CLIENTS clients call LookupEvents in a loop; once ANSWERED_BEFORE_KILL calls were answered, SIGKILL. */
  async function trafficThenKill(cairn: CairnProcess, cycle: number): Promise<CycleResult> {
    const result: CycleResult = { answered: [], unanswered: [], unexpected: [] };
    let stop = false;
    let reached: () => void = () => undefined;
    const threshold = new Promise<void>((resolve) => (reached = resolve));
    const credentials = cairn.adminCredentials();
    const client = async (c: number): Promise<void> => {
      const http = new SignedJsonClient(cairn.url, credentials);
      try {
        for (let n = 0; !stop; n++) {
          const marker = `marker-${cycle}-${c}-${n}`;
          let res: JsonResponse;
          try {
            res = await http.call(LOOKUP, lookupInput(marker));
          } catch {
            // No complete response: the server died while this call was in flight (or before it connected).
            result.unanswered.push(marker);
            return;
          }
          if (res.status === 200 && res.requestId) {
            result.answered.push({ marker, requestId: res.requestId });
            if (result.answered.length >= ANSWERED_BEFORE_KILL) reached();
          } else {
            result.unexpected.push(`${marker}: ${res.status} ${res.body}`);
            reached();
            return;
          }
        }
      } finally {
        http.close();
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // (All clients ending first means the server failed on its own: the assertions below say so.)
    await Promise.race([threshold, Promise.all(clients)]);
    await cairn.kill();
    stop = true;
    await Promise.all(clients);
    return result;
  }

  let cairn: CairnProcess | undefined;
  after(async () => {
    await cairn?.dispose();
  });

  void test(`every call answered before the kill is recorded exactly once (${CYCLES} kill cycles)`, { timeout: 120_000 }, async (t) => {
    const server = await CairnProcess.start();
    cairn = server;
    const all: Answered[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const r = await trafficThenKill(server, cycle);
      assert.deepEqual(r.unexpected, [], 'every complete response before the kill is a 200');
      assert.ok(r.answered.length >= ANSWERED_BEFORE_KILL);
      all.push(...r.answered);

      // Restart on the same data directory. (CairnProcess.spawn reads the URL from `output`, which still holds
      // the killed server's banner: clear it so the new server's address is the one found.)
      server.output = '';
      await server.spawn();
      const http = new SignedJsonClient(server.url, server.adminCredentials());
      try {
        const events = (await searchAll(http, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] })).map(recordedCall);
        assertUnique(events.map((e) => e.eventID), 'eventID');
        assertUnique(events.map((e) => e.requestID), 'requestID');
        assertUnique(events.map((e) => e.marker ?? ''), 'marker');
        const byRequestId = new Map(events.map((e) => [e.requestID, e]));
        for (const call of all) {
          const event = byRequestId.get(call.requestId);
          assert.ok(event, `the answered call ${call.marker} (request ${call.requestId}) is in the history after the restart`);
          assert.equal(event.marker, call.marker, `request ${call.requestId} is recorded with its own parameters`);
        }
        const present = new Set(events.map((e) => e.marker));
        const unansweredPresent = r.unanswered.filter((m) => present.has(m)).length;
        t.diagnostic(
          `cycle ${cycle}: ${r.answered.length} calls answered before the kill, ${r.unanswered.length} unanswered ` +
            `(${unansweredPresent} of those recorded anyway); ${events.length} LookupEvents events in the history`,
        );
        // The history also answers new calls after the restart, and records them.
        const res = await http.call(LOOKUP, lookupInput(`after-restart-${cycle}`));
        assert.equal(res.status, 200, res.body);
      } finally {
        http.close();
      }
    }
  });
});

void describe('cairn import killed with SIGKILL', () => {
  // 30,000 records in 30 files: an import takes seconds here, so a kill a third of the way in lands well inside it.
  const FILES = 30;
  const RECORDS_PER_FILE = 1000;
  const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
  let archive: SyntheticArchive;

  before(() => {
    archive = writeSyntheticArchive(join(tempDir('cairn-crash-archive-'), 'logs'), {
      files: FILES,
      recordsPerFile: RECORDS_PER_FILE,
      accountId: ACCOUNT,
      seed: 20261101,
    });
    assert.equal(archive.eventIds.length, FILES * RECORDS_PER_FILE);
    assertUnique(archive.eventIds, 'generated eventID');
  });

  interface Finished {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }

  /** Import processes still running (a failed assertion must not leave one behind). */
  const running = new Set<ChildProcess>();
  after(() => running.forEach((child) => child.kill('SIGKILL')));

  function startImport(dataDir: string): { child: ChildProcess; finished: Promise<Finished> } {
    const child = spawn(process.execPath, [CLI, 'import', '--data-dir', dataDir, archive.root], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const finished = new Promise<Finished>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, finished };
  }

  /** Events in the store, read through a connection of our own; undefined while the store is not there yet. */
  async function storedCount(dataDir: string): Promise<number | undefined> {
    if (!existsSync(join(dataDir, 'cairn.db'))) return undefined;
    const store = openSqliteStore({ dataDir });
    try {
      return await store.events.count();
    } catch {
      return undefined;
    } finally {
      await store.close();
    }
  }

  /** Every eventID in the store, in journal order. */
  async function storedEventIds(dataDir: string): Promise<string[]> {
    const store = openSqliteStore({ dataDir });
    try {
      return (await store.events.readAfter(0, Number.MAX_SAFE_INTEGER)).map((e) => e.eventId);
    } finally {
      await store.close();
    }
  }

  /**
   * Waits until the import has committed a third of the records, then SIGKILLs it; returns the events in the store after.
   * `others()`: an upper bound of the events that others (a server) may have added by now.
   */
  async function killAfterProgress(dataDir: string, child: ChildProcess, finished: Promise<Finished>, others = (): number => 0): Promise<number> {
    // A third of the way in: later files are still to be read, earlier ones must be skipped as duplicates.
    const progress = Math.floor(archive.eventIds.length / 3);
    let exited: Finished | undefined;
    void finished.then((f) => (exited = f));
    for (;;) {
      const n = await storedCount(dataDir);
      if (n !== undefined && n - others() >= progress) break;
      assert.equal(exited, undefined, `the import ended before it could be killed: ${JSON.stringify(exited)}`);
      await sleep(10);
    }
    child.kill('SIGKILL');
    const end = await finished;
    assert.equal(end.signal, 'SIGKILL', `the import was killed, not finished: ${end.stdout}${end.stderr}`);
    const left = await storedCount(dataDir);
    assert.ok(left !== undefined);
    return left;
  }

  /** `imported N events (M duplicates skipped, ...)`. */
  function parseSummary(stdout: string): { inserted: number; duplicates: number } {
    const m = /imported (\d+) events \((\d+) duplicates skipped/.exec(stdout);
    assert.ok(m, `import summary missing: ${stdout}`);
    return { inserted: Number(m[1]), duplicates: Number(m[2]) };
  }

  function assertSameIds(actual: readonly string[], what: string): void {
    assertUnique(actual, `${what}: eventID`);
    assert.equal(actual.length, archive.eventIds.length, `${what}: every record once`);
    const expected = new Set(archive.eventIds);
    const missing = actual.filter((id) => !expected.has(id));
    assert.deepEqual(missing, [], `${what}: only the archive's eventIDs`);
  }

  void test('a re-run of a killed import stores every record exactly once', { timeout: 90_000 }, async (t) => {
    const dataDir = tempDir('cairn-crash-import-');
    const total = archive.eventIds.length;
    const first = startImport(dataDir);
    const left = await killAfterProgress(dataDir, first.child, first.finished);
    assert.ok(left > 0 && left < total, `killed mid-import (${left} of ${total} stored)`);

    const rerun = await startImport(dataDir).finished;
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const summary = parseSummary(rerun.stdout);
    assert.deepEqual(summary, { inserted: total - left, duplicates: left }, 'the re-run adds exactly what the killed run had not committed');
    assert.equal(await storedCount(dataDir), total);
    assertSameIds(await storedEventIds(dataDir), 'store');
    t.diagnostic(`killed after ${left} of ${total} records were stored; the re-run inserted ${summary.inserted}`);
  });

  void test('killing an import while cairn serve runs on the same data dir: the server keeps answering, the re-run completes the store', { timeout: 120_000 }, async (t) => {
    const cairn = await CairnProcess.start([], tempDir('cairn-crash-import-serve-'));
    const probe = new SignedJsonClient(cairn.url, cairn.adminCredentials());
    // Asked before the import: the server has never seen this event source (a string the importer will add).
    const IAM = 'iam.amazonaws.com';
    const bySource = (region: string): SignedJsonClient => new SignedJsonClient(cairn.url, cairn.adminCredentials(), region);
    const early = bySource('us-east-1');
    const none = await early.ok<{ Events: WireEvent[] }>(SEARCH, { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: IAM }] });
    early.close();
    assert.deepEqual(none.Events, []);
    const probes: { marker: string; requestId: string | undefined; status: number; body: string }[] = [];
    let started = 0;
    let stop = false;
    let probeError: unknown;
    /** One client calls the server back to back for as long as the imports run. */
    const probing = (async () => {
      try {
        for (let n = 0; !stop; n++) {
          const marker = `probe-${n}`;
          started++;
          const res = await probe.call(LOOKUP, lookupInput(marker));
          probes.push({ marker, requestId: res.requestId, status: res.status, body: res.body });
        }
      } catch (error) {
        probeError = error;
      }
    })();
    const answeredAfter = async (count: number): Promise<void> => {
      while (probes.length < count) {
        assert.equal(probeError, undefined, 'the server answers');
        await sleep(5);
      }
    };
    try {
      const total = archive.eventIds.length;
      const first = startImport(cairn.dataDir);
      // The store also holds the early search and one event per probe call started so far (at most).
      const left = await killAfterProgress(cairn.dataDir, first.child, first.finished, () => started + 1);
      const ownAtKill = started + 1;
      const atKill = probes.length;
      // The server answers after the importer died (possibly holding the write lock, mid-transaction).
      await answeredAfter(atKill + 20);

      const rerun = await startImport(cairn.dataDir).finished;
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
      const summary = parseSummary(rerun.stdout);
      assert.equal(summary.inserted + summary.duplicates, total, 'the re-run read every record');
      assert.ok(summary.inserted > 0 && summary.duplicates > 0, `the first run was killed midway (${JSON.stringify(summary)})`);
      await answeredAfter(probes.length + 5);
      stop = true;
      await probing;
      assert.equal(probeError, undefined, 'the server answers every call');

      const failed = probes.filter((p) => p.status !== 200 || !p.requestId);
      assert.deepEqual(failed, [], 'the server answered every call while the imports ran and after the kill');
      // Quiet now: the store holds the archive's records and one event per call the server answered
      // (the server moves its last acknowledged calls from its intake log into the store within moments).
      const expected = total + 1 + probes.length;
      let stored = await storedCount(cairn.dataDir);
      for (const deadline = Date.now() + 3_000; stored !== expected && Date.now() < deadline; stored = await storedCount(cairn.dataDir)) await sleep(50);
      assert.equal(stored, expected);

      const ids: string[] = [];
      for (const region of REGIONS) {
        const reader = bySource(region);
        try {
          const events = await searchAll(reader, { EventCategories: ['management'] });
          for (const e of events) if (!e.CloudTrailEvent.includes('"eventSource":"cloudtrail.amazonaws.com"')) ids.push(e.EventId);
          // By an attribute value the server first looked up before another process stored it.
          const iam = (await searchAll(reader, { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: IAM }] })).map((e) => e.EventId);
          const expected = archive.events.filter((e) => e.awsRegion === region && e.eventSource === IAM).map((e) => e.eventId);
          assert.ok(expected.length > 0);
          assert.deepEqual([...iam].sort(), expected.sort(), `SearchEvents EventSource=${IAM} in ${region}`);
        } finally {
          reader.close();
        }
      }
      assertSameIds(ids, 'SearchEvents');

      const recorded = await searchAll(probe, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] });
      const byRequestId = new Map(recorded.map((e) => [recordedCall(e).requestID, recordedCall(e)]));
      assertUnique(recorded.map((e) => e.EventId), 'probe eventID');
      for (const p of probes) assert.equal(byRequestId.get(p.requestId ?? '')?.marker, p.marker, `probe ${p.marker} is recorded once`);
      assert.equal(recorded.length, probes.length);
      t.diagnostic(
        `import killed with ${left} events in the store (at most ${ownAtKill} of them the server's own), of ${total} records; ` +
          `the re-run inserted ${summary.inserted}; the server answered ${probes.length} calls meanwhile`,
      );
    } finally {
      stop = true;
      await probing;
      probe.close();
      await cairn.dispose();
    }
  });
});
