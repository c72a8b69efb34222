import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudTrailClient,
  CreateChannelCommand,
  CreateEventDataStoreCommand,
  DeleteChannelCommand,
  DeleteEventDataStoreCommand,
  GetChannelCommand,
  GetEventDataStoreCommand,
  AddTagsCommand,
  ListChannelsCommand,
  ListTagsCommand,
  RemoveTagsCommand,
  UpdateChannelCommand,
} from '@aws-sdk/client-cloudtrail';
import type { ListChannelsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { AwsCliDriver } from '../support/aws-cli-driver.js';
import { CairnProcess } from '../support/cairn-process.js';
import { requireProgram } from '../support/programs.js';
import { rejectsWith } from './support.js';

// Channels (CreateChannel, GetChannel, ListChannels, UpdateChannel, DeleteChannel) through the JS SDK
// v3 and the AWS CLI against `cairn serve --auth off` (a 12-digit key id acts as that account).

const ACCOUNT = '301234567890';
const OTHER = '309876543210';
const REGION = 'us-east-1';
const AUDIT_SELECTORS = [{ Name: 'custom events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['ActivityAuditLog'] }] }];
const CHANNEL_ARN = /^arn:aws:cloudtrail:us-east-1:301234567890:channel\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const skipCli = requireProgram('aws');

let cairn: CairnProcess;

function client(account = ACCOUNT, region = REGION): CloudTrailClient {
  return new CloudTrailClient({ endpoint: cairn.url, region, credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function createStore(name: string, audit: boolean, account = ACCOUNT): Promise<string> {
  const created = await client(account).send(
    new CreateEventDataStoreCommand({ Name: name, TerminationProtectionEnabled: false, ...(audit ? { AdvancedEventSelectors: AUDIT_SELECTORS } : {}) }),
  );
  assert.ok(created.EventDataStoreArn);
  return created.EventDataStoreArn;
}

async function allChannels(pageSize: number, account = ACCOUNT): Promise<{ ChannelArn?: string; Name?: string }[]> {
  const out: { ChannelArn?: string; Name?: string }[] = [];
  let token: string | undefined;
  do {
    const page: ListChannelsCommandOutput = await client(account).send(new ListChannelsCommand({ MaxResults: pageSize, NextToken: token }));
    assert.ok((page.Channels ?? []).length <= pageSize);
    out.push(...(page.Channels ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

before(async () => {
  cairn = await CairnProcess.start(['--auth', 'off', '--lake-interval', '1']);
});

after(async () => {
  await cairn?.dispose();
});

void describe('channels through the JS SDK', () => {
  let auditA = '';
  let auditB = '';
  let managementStore = '';
  let otherAccountStore = '';
  let channel = '';

  before(async () => {
    auditA = await createStore('audit-a', true);
    auditB = await createStore('audit-b', true);
    managementStore = await createStore('management', false);
    otherAccountStore = await createStore('audit-other', true, OTHER);
  });

  void it('CreateChannel: a Custom channel into an ActivityAuditLog store, with its ARN, destinations and tags', async () => {
    const created = await client().send(
      new CreateChannelCommand({ Name: 'my-app', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }], Tags: [{ Key: 'team', Value: 'blue' }] }),
    );
    assert.match(created.ChannelArn ?? '', CHANNEL_ARN);
    assert.equal(created.Name, 'my-app');
    assert.equal(created.Source, 'Custom');
    assert.deepEqual(created.Destinations, [{ Type: 'EVENT_DATA_STORE', Location: auditA }]);
    assert.deepEqual(created.Tags, [{ Key: 'team', Value: 'blue' }]);
    channel = created.ChannelArn!;
  });

  void it('GetChannel by ARN and by id: name, source, destinations, an empty ingestion status', async () => {
    for (const ref of [channel, channel.split('/').pop()!]) {
      const got = await client().send(new GetChannelCommand({ Channel: ref }));
      assert.equal(got.ChannelArn, channel);
      assert.equal(got.Name, 'my-app');
      assert.equal(got.Source, 'Custom');
      assert.deepEqual(got.Destinations, [{ Type: 'EVENT_DATA_STORE', Location: auditA }]);
      assert.deepEqual(got.IngestionStatus, {});
    }
  });

  void it('UpdateChannel: a new name and new destinations, seen by GetChannel', async () => {
    const updated = await client().send(
      new UpdateChannelCommand({ Channel: channel, Name: 'my-app-2', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }, { Type: 'EVENT_DATA_STORE', Location: auditB }] }),
    );
    assert.equal(updated.ChannelArn, channel);
    assert.equal(updated.Name, 'my-app-2');
    assert.equal(updated.Source, 'Custom');
    assert.deepEqual(updated.Destinations?.map((d) => d.Location), [auditA, auditB]);
    const got = await client().send(new GetChannelCommand({ Channel: channel }));
    assert.equal(got.Name, 'my-app-2');
    assert.deepEqual(got.Destinations?.map((d) => d.Location), [auditA, auditB]);
    // A name alone leaves the destinations as they are.
    const renamed = await client().send(new UpdateChannelCommand({ Channel: channel, Name: 'my-app' }));
    assert.deepEqual(renamed.Destinations?.map((d) => d.Location), [auditA, auditB]);
  });

  void it('AddTags, ListTags and RemoveTags on a channel and on an event data store; errors for other accounts, types and limits', async () => {
    const tagsOf = async (arn: string): Promise<unknown> => (await client().send(new ListTagsCommand({ ResourceIdList: [arn] }))).ResourceTagList?.[0]?.TagsList;
    // CreateChannel's tags are there; AddTags overwrites a key's value and adds a key without a value.
    assert.deepEqual(await tagsOf(channel), [{ Key: 'team', Value: 'blue' }]);
    await client().send(new AddTagsCommand({ ResourceId: channel, TagsList: [{ Key: 'team', Value: 'red' }, { Key: 'flag' }] }));
    assert.deepEqual(await tagsOf(channel), [{ Key: 'team', Value: 'red' }, { Key: 'flag' }]);
    await client().send(new RemoveTagsCommand({ ResourceId: channel, TagsList: [{ Key: 'team' }] }));
    assert.deepEqual(await tagsOf(channel), [{ Key: 'flag' }]);

    await client().send(new AddTagsCommand({ ResourceId: auditB, TagsList: [{ Key: 'cost-centre', Value: '42' }] }));
    const both = await client().send(new ListTagsCommand({ ResourceIdList: [auditB, channel] }));
    assert.deepEqual(both.ResourceTagList, [
      { ResourceId: auditB, TagsList: [{ Key: 'cost-centre', Value: '42' }] },
      { ResourceId: channel, TagsList: [{ Key: 'flag' }] },
    ]);
    // The channel and the store themselves are unchanged by tagging.
    assert.equal((await client().send(new GetChannelCommand({ Channel: channel }))).Name, 'my-app');
    assert.equal((await client().send(new GetEventDataStoreCommand({ EventDataStore: auditB }))).Name, 'audit-b');

    await rejectsWith(client().send(new AddTagsCommand({ ResourceId: otherAccountStore, TagsList: [{ Key: 'k' }] })), 'ResourceNotFoundException');
    await rejectsWith(client(ACCOUNT, 'eu-west-1').send(new ListTagsCommand({ ResourceIdList: [auditB] })), 'ResourceNotFoundException');
    await rejectsWith(client().send(new ListTagsCommand({ ResourceIdList: [`${auditB.slice(0, auditB.lastIndexOf('/'))}/no-such-store`] })), 'ResourceNotFoundException');
    await rejectsWith(client().send(new ListTagsCommand({ ResourceIdList: [`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:dashboard/d1`] })), 'ResourceNotFoundException');
    await rejectsWith(client().send(new ListTagsCommand({ ResourceIdList: [`arn:aws:s3:::a-bucket`] })), 'ResourceTypeNotSupportedException');
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejectsWith(client().send(new AddTagsCommand({ ResourceId: auditB, TagsList: many })), 'TagsLimitExceededException');
    await rejectsWith(client().send(new AddTagsCommand({ ResourceId: channel, TagsList: [{ Key: 'aws:reserved', Value: 'v' }] })), 'InvalidTagParameterException');
    assert.deepEqual(await tagsOf(auditB), [{ Key: 'cost-centre', Value: '42' }]);
  });

  void it('DeleteEventDataStore of a store a channel delivers to: ChannelExistsForEDSException; GetEventDataStore still answers', async () => {
    await rejectsWith(client().send(new DeleteEventDataStoreCommand({ EventDataStore: auditB })), 'ChannelExistsForEDSException');
    assert.equal((await client().send(new GetEventDataStoreCommand({ EventDataStore: auditB }))).Status, 'ENABLED');
  });

  void it('CreateChannel errors: name, source, destinations of the wrong kind, account or state', async () => {
    const c = client();
    const make = (input: Partial<ConstructorParameters<typeof CreateChannelCommand>[0]>): Promise<unknown> =>
      c.send(new CreateChannelCommand({ Name: 'errors', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }], ...input }));
    await rejectsWith(make({ Name: 'my-app' }), 'ChannelAlreadyExistsException');
    await rejectsWith(make({ Name: 'ab' }), 'InvalidParameterException');
    await rejectsWith(make({ Name: 'bad name!' }), 'InvalidParameterException');
    await rejectsWith(make({ Source: 'NoSuchPartner' }), 'InvalidSourceException');
    await rejectsWith(make({ Destinations: [] }), 'InvalidParameterException');
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: managementStore }] }), 'InvalidEventDataStoreCategoryException');
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: otherAccountStore }] }), 'EventDataStoreNotFoundException');
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000') }] }), 'EventDataStoreNotFoundException');
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: 'arn:aws:cloudtrail:us-east-1:301234567890:trail/nope' }] }), 'EventDataStoreARNInvalidException');
    await rejectsWith(make({ Destinations: [{ Type: 'AWS_SERVICE', Location: 'config.amazonaws.com' }] }), 'InvalidParameterException');
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }, { Type: 'EVENT_DATA_STORE', Location: auditA }] }), 'InvalidParameterException');
    await rejectsWith(make({ Tags: [{ Key: 'aws:reserved', Value: 'x' }] }), 'InvalidTagParameterException');
    // A store pending deletion takes no channel.
    const doomed = await createStore('audit-doomed', true);
    await c.send(new DeleteEventDataStoreCommand({ EventDataStore: doomed }));
    await rejectsWith(make({ Destinations: [{ Type: 'EVENT_DATA_STORE', Location: doomed }] }), 'InactiveEventDataStoreException');
    // None of the failed calls left a channel behind.
    assert.deepEqual((await allChannels(1000)).map((ch) => ch.Name), ['my-app']);
  });

  void it('Get/Update/DeleteChannel errors: invalid ARN, unknown channel, another account or region, duplicate name', async () => {
    const unknown = channel.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    for (const send of [
      (ref: string) => client().send(new GetChannelCommand({ Channel: ref })),
      (ref: string) => client().send(new UpdateChannelCommand({ Channel: ref, Name: 'renamed' })),
      (ref: string) => client().send(new DeleteChannelCommand({ Channel: ref })),
    ]) {
      await rejectsWith(send('arn:aws:cloudtrail:us-east-1:301234567890:trail/my-app'), 'ChannelARNInvalidException');
      await rejectsWith(send('bad channel!'), 'ChannelARNInvalidException');
      await rejectsWith(send(unknown), 'ChannelNotFoundException');
    }
    await rejectsWith(client(OTHER).send(new GetChannelCommand({ Channel: channel })), 'ChannelNotFoundException');
    await rejectsWith(client(ACCOUNT, 'eu-west-1').send(new GetChannelCommand({ Channel: channel.split('/').pop()! })), 'ChannelNotFoundException');
    const second = await client().send(new CreateChannelCommand({ Name: 'second', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }] }));
    await rejectsWith(client().send(new UpdateChannelCommand({ Channel: second.ChannelArn, Name: 'my-app' })), 'ChannelAlreadyExistsException');
    await rejectsWith(client().send(new UpdateChannelCommand({ Channel: second.ChannelArn, Destinations: [{ Type: 'EVENT_DATA_STORE', Location: managementStore }] })), 'InvalidEventDataStoreCategoryException');
    await rejectsWith(client().send(new UpdateChannelCommand({ Channel: second.ChannelArn, Destinations: [{ Type: 'EVENT_DATA_STORE', Location: otherAccountStore }] })), 'EventDataStoreNotFoundException');
    assert.equal((await client().send(new GetChannelCommand({ Channel: second.ChannelArn }))).Name, 'second');
    await client().send(new DeleteChannelCommand({ Channel: second.ChannelArn }));
  });

  void it('ListChannels: every channel of the account and region, paged; 25 per region at most', async () => {
    const made: string[] = [channel];
    for (let i = made.length; i < 25; i++) {
      const created = await client().send(new CreateChannelCommand({ Name: `bulk-${String(i).padStart(2, '0')}`, Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }] }));
      made.push(created.ChannelArn!);
    }
    await rejectsWith(
      client().send(new CreateChannelCommand({ Name: 'one-too-many', Source: 'Custom', Destinations: [{ Type: 'EVENT_DATA_STORE', Location: auditA }] })),
      'ChannelMaxLimitExceededException',
    );
    const paged = await allChannels(4);
    assert.deepEqual(paged.map((c) => c.ChannelArn), made);
    assert.equal(paged[0]?.Name, 'my-app');
    assert.deepEqual((await allChannels(1000)).map((c) => c.ChannelArn), made);
    // Other accounts and regions see none of them.
    assert.deepEqual((await client(OTHER).send(new ListChannelsCommand({}))).Channels ?? [], []);
    assert.deepEqual((await client(ACCOUNT, 'eu-west-1').send(new ListChannelsCommand({}))).Channels ?? [], []);
    await rejectsWith(client().send(new ListChannelsCommand({ NextToken: 'not-a-token' })), 'InvalidNextTokenException');
    await rejectsWith(client().send(new ListChannelsCommand({ MaxResults: 1001 })), 'InvalidParameterException');
    for (const arn of made.slice(1)) await client().send(new DeleteChannelCommand({ Channel: arn }));
    assert.deepEqual((await allChannels(1000)).map((c) => c.ChannelArn), [channel]);
  });

  void it('DeleteChannel: gone from Get and List; then its stores can be deleted', async () => {
    await client().send(new DeleteChannelCommand({ Channel: channel }));
    await rejectsWith(client().send(new GetChannelCommand({ Channel: channel })), 'ChannelNotFoundException');
    await rejectsWith(client().send(new DeleteChannelCommand({ Channel: channel })), 'ChannelNotFoundException');
    assert.deepEqual((await client().send(new ListChannelsCommand({}))).Channels ?? [], []);
    await client().send(new DeleteEventDataStoreCommand({ EventDataStore: auditB }));
    assert.equal((await client().send(new GetEventDataStoreCommand({ EventDataStore: auditB }))).Status, 'PENDING_DELETION');
  });
});

void describe('channels through the AWS CLI', { skip: skipCli }, () => {
  let driver: AwsCliDriver;
  const account = '302222222222';

  function env(): Record<string, string> {
    return { AWS_ACCESS_KEY_ID: account, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };
  }

  async function aws<T>(args: string[]): Promise<T> {
    const run = await driver.run(['cloudtrail', ...args, '--endpoint-url', cairn.url, '--output', 'json'], env());
    assert.equal(run.code, 0, `aws cloudtrail ${args.join(' ')}: ${run.stderr}`);
    return (run.stdout.trim() === '' ? {} : JSON.parse(run.stdout)) as T;
  }

  async function awsFails(args: string[], code: string): Promise<void> {
    const run = await driver.run(['cloudtrail', ...args, '--endpoint-url', cairn.url, '--output', 'json'], env());
    assert.equal(run.code, 255, `aws cloudtrail ${args.join(' ')} should fail: ${run.stdout}`);
    assert.match(run.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation: \\S`), run.stderr);
  }

  before(() => {
    driver = AwsCliDriver.start();
  });
  after(async () => {
    await driver?.stop();
  });

  void it('create-channel, get-channel, list-channels, update-channel, delete-channel and their errors', async () => {
    const store = await createStore('cli-audit', true, account);
    const plain = await createStore('cli-management', false, account);
    const created = await aws<{ ChannelArn: string; Name: string; Destinations: { Type: string; Location: string }[] }>([
      'create-channel', '--name', 'cli-channel', '--source', 'Custom', '--destinations', `Type=EVENT_DATA_STORE,Location=${store}`, '--tags', 'Key=env,Value=test',
    ]);
    assert.match(created.ChannelArn, /^arn:aws:cloudtrail:us-east-1:302222222222:channel\/[0-9a-f-]{36}$/);
    assert.deepEqual(created.Destinations, [{ Type: 'EVENT_DATA_STORE', Location: store }]);
    const got = await aws<{ Name: string; Source: string; Destinations: { Location: string }[] }>(['get-channel', '--channel', created.ChannelArn]);
    assert.equal(got.Name, 'cli-channel');
    assert.equal(got.Source, 'Custom');
    assert.equal(got.Destinations[0]?.Location, store);
    const listed = await aws<{ Channels: { ChannelArn: string; Name: string }[] }>(['list-channels']);
    assert.deepEqual(listed.Channels, [{ ChannelArn: created.ChannelArn, Name: 'cli-channel' }]);
    const updated = await aws<{ Name: string }>(['update-channel', '--channel', created.ChannelArn, '--name', 'cli-channel-2']);
    assert.equal(updated.Name, 'cli-channel-2');
    await awsFails(['create-channel', '--name', 'cli-channel-2', '--source', 'Custom', '--destinations', `Type=EVENT_DATA_STORE,Location=${store}`], 'ChannelAlreadyExistsException');
    await awsFails(['create-channel', '--name', 'wrong-store', '--source', 'Custom', '--destinations', `Type=EVENT_DATA_STORE,Location=${plain}`], 'InvalidEventDataStoreCategoryException');
    await awsFails(['get-channel', '--channel', 'arn:aws:cloudtrail:us-east-1:302222222222:eventdatastore/x'], 'ChannelARNInvalidException');
    await aws(['add-tags', '--resource-id', created.ChannelArn, '--tags-list', 'Key=owner,Value=cli']);
    await aws(['add-tags', '--resource-id', store, '--tags-list', 'Key=tier,Value=gold']);
    const tags = await aws<{ ResourceTagList: { ResourceId: string; TagsList: { Key: string; Value?: string }[] }[] }>(['list-tags', '--resource-id-list', created.ChannelArn, store]);
    assert.deepEqual(tags.ResourceTagList, [
      { ResourceId: created.ChannelArn, TagsList: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'cli' }] },
      { ResourceId: store, TagsList: [{ Key: 'tier', Value: 'gold' }] },
    ]);
    await aws(['remove-tags', '--resource-id', store, '--tags-list', 'Key=tier']);
    assert.deepEqual((await aws<{ ResourceTagList: { TagsList: unknown[] }[] }>(['list-tags', '--resource-id-list', store])).ResourceTagList[0]?.TagsList, []);
    await awsFails(['add-tags', '--resource-id', `${store}-missing`, '--tags-list', 'Key=k'], 'ResourceNotFoundException');
    await aws(['delete-channel', '--channel', created.ChannelArn]);
    await awsFails(['get-channel', '--channel', created.ChannelArn], 'ChannelNotFoundException');
    assert.deepEqual((await aws<{ Channels: unknown[] }>(['list-channels'])).Channels, []);
  });
});
