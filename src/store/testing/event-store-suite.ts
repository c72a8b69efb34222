/**
 * The behaviour every EventStore backend must show. Each backend's test file calls
 * `eventStoreSuite(name, open)`; `open` returns a fresh, empty store (reopen: the same data).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../../records/index.js';
import { toJournalEntry } from '../../records/index.js';
import { mayMatch } from '../query-match.js';
import type { AttributeFilter, CairnStore, EventQuery } from '../types.js';

export interface StoreFactory {
  /** A new empty store, and a way to reopen the same data (as after a restart). */
  create(): Promise<{ store: CairnStore; reopen: () => Promise<CairnStore> }>;
  /** False for a backend whose `compact` has nothing to merge (one row per event, e.g. PostgreSQL). */
  compactsSmallAppends?: boolean;
}

export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIAALICE', userName: 'alice' },
    eventTime: '2025-03-04T09:15:27Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: { instancesSet: { items: [{ instanceId: 'i-0a1b2c3d4e5f60718' }] } },
    responseElements: null,
    eventID: randomUUID(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...overrides,
  };
}

export function entry(overrides: Record<string, unknown> = {}, raw?: string): JournalEntry {
  const r = record(overrides);
  return toJournalEntry(raw ?? JSON.stringify(r), raw ? JSON.parse(raw) : r);
}

const BASE: EventQuery = { accountId: '111122223333', region: 'eu-west-1', categories: ['Management'], attributes: [], limit: 50 };

async function all(store: CairnStore, query: Partial<EventQuery>): Promise<string[]> {
  const ids: string[] = [];
  let page = await store.events.query({ ...BASE, ...query });
  for (;;) {
    ids.push(...page.events.map((e) => e.eventId));
    if (!page.next) return ids;
    page = await store.events.query({ ...BASE, ...query, after: page.next });
  }
}

export function eventStoreSuite(name: string, factory: StoreFactory): void {
  void describe(`EventStore contract: ${name}`, () => {
    void it('keeps each record byte for byte, skips an eventID it already has, and survives a reopen', async () => {
      const { store, reopen } = await factory.create();
      const raw = '{ "eventVersion":"1.05", "eventID":"E-1", "eventTime":"2025-01-01T00:00:00Z",\n  "eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"eu-west-1","recipientAccountId":"111122223333","unicode":"żółw \\u00e9" }';
      const first = entry({}, raw);
      assert.deepEqual(await store.events.append([first, first]), { inserted: 1, duplicates: 1 });
      assert.deepEqual(await store.events.append([first]), { inserted: 0, duplicates: 1 });
      await store.close();
      const again = await reopen();
      const page = await again.events.query({ ...BASE });
      assert.equal(page.events.length, 1);
      assert.equal(page.events[0]?.raw, raw);
      assert.equal(await again.events.count(), 1);
      await again.close();
    });

    void it('returns newest first and pages through every event exactly once, ties broken by arrival', async () => {
      const { store } = await factory.create();
      const entries = Array.from({ length: 137 }, (_, i) => entry({ eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, Math.floor(i / 3))).toISOString().replace('.000Z', 'Z') }));
      await store.events.append(entries.slice(0, 70));
      await store.events.append(entries.slice(70));
      const ids = await all(store, { limit: 10 });
      assert.equal(ids.length, 137);
      assert.equal(new Set(ids).size, 137);
      const expected = entries
        .map((e, i) => ({ id: e.eventId, t: e.eventTime, i }))
        .sort((a, b) => b.t - a.t || b.i - a.i)
        .map((e) => e.id);
      assert.deepEqual(ids, expected);
      await store.close();
    });

    void it('filters by each lookup attribute and by an inclusive time range', async () => {
      const { store } = await factory.create();
      const a = entry({ eventName: 'RunInstances', readOnly: false, eventTime: '2025-03-01T00:00:00Z', responseElements: { instancesSet: { items: [{ instanceId: 'i-111' }] } }, requestParameters: { instancesSet: {} } });
      const b = entry({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false, eventTime: '2025-03-02T00:00:00Z', requestParameters: { userName: 'bob' }, userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'AKIAROOT' } });
      const c = entry({ eventTime: '2025-03-03T00:00:00Z', resources: [{ ARN: 'arn:aws:s3:::logs', type: 'AWS::S3::Bucket' }] });
      await store.events.append([a, b, c]);
      const by = (key: string, value: string): Promise<string[]> => all(store, { attributes: [{ key: key as never, value }] });
      assert.deepEqual(await by('EventName', 'RunInstances'), [a.eventId]);
      assert.deepEqual(await by('EventSource', 'iam.amazonaws.com'), [b.eventId]);
      assert.deepEqual(await by('ReadOnly', 'false'), [b.eventId, a.eventId]);
      assert.deepEqual(await by('ReadOnly', 'true'), [c.eventId]);
      assert.deepEqual(await by('Username', 'root'), [b.eventId]);
      assert.deepEqual(await by('Username', 'alice'), [c.eventId, a.eventId]);
      assert.deepEqual(await by('AccessKeyId', 'AKIAROOT'), [b.eventId]);
      assert.deepEqual(await by('EventId', c.eventId), [c.eventId]);
      assert.deepEqual(await by('ResourceName', 'i-111'), [a.eventId]);
      assert.deepEqual(await by('ResourceType', 'AWS::IAM::User'), [b.eventId]);
      assert.deepEqual(await by('ResourceName', 'arn:aws:s3:::logs'), [c.eventId]);
      assert.deepEqual(await by('EventName', 'NoSuchThing'), []);
      assert.deepEqual(await all(store, { startTime: Date.parse('2025-03-02T00:00:00Z'), endTime: Date.parse('2025-03-03T00:00:00Z') }), [c.eventId, b.eventId]);
      assert.deepEqual(await all(store, { startTime: Date.parse('2025-03-02T00:00:01Z'), endTime: Date.parse('2025-03-02T23:59:59Z') }), []);
      assert.deepEqual(await all(store, { attributes: [{ key: 'ReadOnly', value: 'false' }, { key: 'Username', value: 'alice' }] }), [a.eventId]);
      assert.deepEqual(await all(store, { text: 'I-111' }), [a.eventId]);
      await store.close();
    });

    void it('scopes by account, region and category', async () => {
      const { store } = await factory.create();
      const mine = entry();
      const otherAccount = entry({ recipientAccountId: '999988887777' });
      const otherRegion = entry({ awsRegion: 'us-west-2' });
      const data = entry({ eventCategory: 'Data', managementEvent: false, eventName: 'GetObject' });
      const insight = entry({ eventCategory: 'Insight', eventType: 'AwsCloudTrailInsight', eventName: 'RunInstances' });
      await store.events.append([mine, otherAccount, otherRegion, data, insight]);
      assert.deepEqual(await all(store, {}), [mine.eventId]);
      assert.deepEqual(await all(store, { categories: ['Insight'] }), [insight.eventId]);
      assert.deepEqual(await all(store, { categories: ['Data'] }), [data.eventId]);
      assert.deepEqual(await all(store, { region: 'us-west-2' }), [otherRegion.eventId]);
      assert.deepEqual(await all(store, { accountId: '999988887777' }), [otherAccount.eventId]);
      await store.close();
    });

    void it('purges by the time Cairn received events, whatever their event times', async () => {
      const { store } = await factory.create();
      const old = [entry({ eventTime: '2030-01-01T00:00:00Z' }), entry({ eventTime: '2010-01-01T00:00:00Z' })];
      await store.events.append(old);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const cutoff = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const fresh = entry({ eventTime: '2001-01-01T00:00:00Z' });
      await store.events.append([fresh]);
      assert.equal(await store.events.purgeReceivedBefore(cutoff, 1), 1);
      assert.equal(await store.events.purgeReceivedBefore(cutoff, 100), 1);
      assert.equal(await store.events.purgeReceivedBefore(cutoff, 100), 0);
      assert.deepEqual(await all(store, {}), [fresh.eventId]);
      assert.equal(await store.events.count(), 1);
      await store.close();
    });

    void it('compacts events appended one at a time without changing what lookups return', async () => {
      const { store } = await factory.create();
      const entries = Array.from({ length: 300 }, (_, i) => entry({ eventTime: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString().replace('.000Z', 'Z') }));
      for (const e of entries) await store.events.append([e]);
      const before = await store.events.query({ ...BASE, limit: 1000 });
      let moved = 0;
      for (let n = await store.events.compact(); n > 0; n = await store.events.compact()) moved += n;
      if (factory.compactsSmallAppends === false) assert.equal(moved, 0);
      else assert.ok(moved >= 256, `moved ${moved}`);
      const after = await store.events.query({ ...BASE, limit: 1000 });
      assert.deepEqual(after.events.map((e) => e.raw), before.events.map((e) => e.raw));
      assert.equal(await store.events.purgeReceivedBefore(Date.now() + 1, 150), 150);
      const rest = await store.events.query({ ...BASE, limit: 1000 });
      assert.deepEqual(rest.events.map((e) => e.raw), before.events.slice(0, 150).map((e) => e.raw));
      await store.close();
    });

    void it('reads every account, region and category in append order after a cursor', async () => {
      const { store, reopen } = await factory.create();
      assert.equal(await store.events.lastSeq(), 0);
      const first = [entry({ eventTime: '2025-05-01T00:00:00Z' }), entry({ eventTime: '2024-01-01T00:00:00Z', awsRegion: 'us-west-2' })];
      const second = [entry({ recipientAccountId: '444455556666' }), entry({ eventCategory: 'Data', managementEvent: false })];
      await store.events.append(first);
      await store.events.append(second);
      await store.events.append([first[0]!]);
      const read = await store.events.readAfter(0, 10);
      // Events of one append are committed together, in an order of the store's choosing; appends stay in order.
      const ids = (batch: JournalEntry[]): string[] => batch.map((e) => e.eventId).sort();
      assert.deepEqual(read.slice(0, 2).map((e) => e.eventId).sort(), ids(first));
      assert.deepEqual(read.slice(2, 4).map((e) => e.eventId).sort(), ids(second));
      const byId = new Map([...first, ...second].map((e) => [e.eventId, e.raw]));
      assert.ok(read.every((e) => byId.get(e.eventId) === e.raw));
      assert.ok(read.every((e, i) => i === 0 || e.seq > read[i - 1]!.seq));
      const order = read.map((e) => e.eventId);
      assert.deepEqual((await store.events.readAfter(read[1]!.seq, 2)).map((e) => e.eventId), order.slice(2, 4));
      assert.deepEqual(await store.events.readAfter(read[3]!.seq, 10), []);
      assert.equal(await store.events.lastSeq(), read[3]!.seq);
      await store.close();
      const again = await reopen();
      assert.deepEqual((await again.events.readAfter(read[0]!.seq, 10)).map((e) => e.eventId), order.slice(1));
      await again.close();
    });

    void it('answers random lookups exactly as a brute-force oracle does, before and after compaction and purge', async () => {
      const { store } = await factory.create();
      let x = 7;
      const rand = (n: number): number => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (x >>> 8) % n;
      };
      const pick = <T>(list: readonly T[]): T => list[rand(list.length)]!;
      const names = ['DescribeInstances', 'RunInstances', 'GetObject', 'AssumeRole', 'ListBuckets'];
      const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
      const resources = Array.from({ length: 30 }, (_, i) => ({ ARN: `arn:aws:s3:::bucket-${i}`, type: pick(['AWS::S3::Bucket', 'AWS::EC2::Instance', 'AWS::IAM::Role']) }));
      const base = Date.UTC(2025, 5, 1);
      // Distinct times (ms) so the oracle's order never depends on the order within one append.
      const times = new Set<number>();
      while (times.size < 2500) times.add(base + rand(10 * 86_400_000));
      const entries = [...times].map((t, i) => {
        const user = pick(users);
        return entry({
          eventID: i % 7 === 0 ? `custom-id-${i}` : randomUUID(),
          eventTime: new Date(t).toISOString(),
          eventName: pick(names),
          eventSource: pick(['ec2.amazonaws.com', 's3.amazonaws.com', 'sts.amazonaws.com']),
          recipientAccountId: pick(['111122223333', '111122223333', '444455556666']),
          awsRegion: pick(['eu-west-1', 'eu-west-1', 'us-east-1']),
          eventCategory: pick(['Management', 'Management', 'Management', 'Data']),
          readOnly: pick([true, false, undefined]),
          userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', userName: user, accessKeyId: `AKIA${rand(12)}` },
          resources: Array.from({ length: rand(3) }, () => pick(resources)),
          requestParameters: null,
        });
      });
      for (let at = 0; at < entries.length; ) {
        const size = rand(3) === 0 ? 1 : 1 + rand(400);
        const batch = entries.slice(at, at + size);
        if (at > 0 && rand(4) === 0) batch.push(entries[rand(at)]!);
        await store.events.append(batch);
        at += size;
      }
      assert.equal(await store.events.count(), entries.length);
      // The oracle is the predicate the intake log uses to let readers skip waiting for entries.
      const oracle = (q: Partial<EventQuery>): string[] => {
        const query = { ...BASE, ...q };
        return entries
          .filter((e) => mayMatch(e, query))
          .sort((a, b) => b.eventTime - a.eventTime)
          .map((e) => e.eventId);
      };
      const randomQuery = (): Partial<EventQuery> => {
        const q: Partial<EventQuery> = { limit: 1 + rand(50), accountId: pick(['111122223333', '444455556666']), region: pick(['eu-west-1', 'us-east-1']) };
        if (rand(5) === 0) q.categories = ['Management', 'Data'];
        const e = pick(entries);
        const options: AttributeFilter[] = [
          { key: 'EventId', value: e.eventId },
          { key: 'EventName', value: e.eventName },
          { key: 'EventSource', value: e.eventSource },
          { key: 'Username', value: e.username ?? 'nobody' },
          { key: 'AccessKeyId', value: e.accessKeyId ?? 'none' },
          { key: 'ReadOnly', value: pick(['true', 'false']) },
          { key: 'ResourceName', value: pick(resources).ARN },
          { key: 'ResourceType', value: pick(resources).type },
        ];
        const filters = rand(4);
        q.attributes = filters === 0 ? [] : Array.from({ length: filters === 3 ? 2 : 1 }, () => pick(options));
        if (rand(2) === 0) q.startTime = base + rand(10 * 86_400_000);
        if (rand(2) === 0) q.endTime = (q.startTime ?? base) + rand(5 * 86_400_000);
        if (rand(6) === 0) q.text = pick(['bucket-1', 'ALICE', 'runinstances']);
        return q;
      };
      const check = async (label: string, rounds: number): Promise<void> => {
        for (let i = 0; i < rounds; i++) {
          const q = randomQuery();
          assert.deepEqual(await all(store, q), oracle(q), `${label}: ${JSON.stringify(q)}`);
        }
      };
      await check('as appended', 120);
      for (let n = await store.events.compact(); n > 0; n = await store.events.compact());
      await check('after compaction', 60);
      const inOrder = (await store.events.readAfter(0, 1_000_000)).map((e) => e.eventId);
      assert.equal(inOrder.length, entries.length);
      assert.equal(await store.events.purgeReceivedBefore(Date.now() + 1, 777), 777);
      const purged = new Set(inOrder.slice(0, 777));
      entries.splice(0, entries.length, ...entries.filter((e) => !purged.has(e.eventId)));
      assert.deepEqual((await store.events.readAfter(0, 1_000_000)).map((e) => e.eventId), inOrder.slice(777));
      await check('after purge', 60);
      await store.close();
    });

    void it('stores credentials and settings', async () => {
      const { store } = await factory.create();
      await store.credentials.put({ accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111122223333', principalType: 'IAMUser', principalName: 'alice', createdAt: 5 });
      assert.deepEqual(await store.credentials.get('AKIA1'), { accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111122223333', principalType: 'IAMUser', principalName: 'alice', createdAt: 5 });
      assert.equal((await store.credentials.list()).length, 1);
      assert.equal(await store.credentials.delete('AKIA1'), true);
      assert.equal(await store.credentials.get('AKIA1'), undefined);
      assert.equal(await store.settings.putIfAbsent('k', 'one'), 'one');
      assert.equal(await store.settings.putIfAbsent('k', 'two'), 'one');
      await store.close();
    });
  });
}
