/**
 * The behaviour every EventStore backend must show. Each backend's test file calls
 * `eventStoreSuite(name, open)`; `open` returns a fresh, empty store (reopen: the same data).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../../records/index.js';
import { toJournalEntry } from '../../records/index.js';
import type { CairnStore, EventQuery } from '../types.js';

export interface StoreFactory {
  /** A new empty store, and a way to reopen the same data (as after a restart). */
  create(): Promise<{ store: CairnStore; reopen: () => Promise<CairnStore> }>;
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
      assert.ok(moved >= 256, `moved ${moved}`);
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
      const order = [...first, ...second].map((e) => e.eventId);
      const read = await store.events.readAfter(0, 10);
      assert.deepEqual(read.map((e) => e.eventId), order);
      assert.deepEqual(read.map((e) => e.raw), [...first, ...second].map((e) => e.raw));
      assert.ok(read.every((e, i) => i === 0 || e.seq > read[i - 1]!.seq));
      assert.deepEqual((await store.events.readAfter(read[1]!.seq, 2)).map((e) => e.eventId), order.slice(2, 4));
      assert.deepEqual(await store.events.readAfter(read[3]!.seq, 10), []);
      assert.equal(await store.events.lastSeq(), read[3]!.seq);
      await store.close();
      const again = await reopen();
      assert.deepEqual((await again.events.readAfter(read[0]!.seq, 10)).map((e) => e.eventId), order.slice(1));
      await again.close();
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
