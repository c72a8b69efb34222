/** A `cairn serve` holding real imported events, with an IAM user key of the events' account. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { CairnProcess, CLI } from '../support/cairn-process.js';
import type { Credentials } from '../support/cairn-process.js';
import { PLASO, STRATUS } from '../support/fixture-events.js';
import { writeSyntheticArchive } from '../support/synthetic-archive.js';

/** The account of the plaso fixture (real events in ap-southeast-2, RunInstances among them). */
export const ACCOUNT = '012345678901';
export const REAL_REGION = 'ap-southeast-2';
export const BUCKET = 'console-e2e-bucket';

function cli(dataDir: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args, '--data-dir', dataDir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cairn ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

export interface ConsoleServer {
  cairn: CairnProcess;
  alice: Credentials;
  client(region: string): CloudTrailClient;
}

/** Imports the plaso and stratus fixtures plus a synthetic archive (for paging), then starts the server. */
export async function startConsoleServer(args: string[] = []): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-console-'));
  const keyLines = cli(dataDir, 'keys', 'create', '--account-id', ACCOUNT, '--user', 'alice');
  const read = (name: string): string => {
    const value = new RegExp(`^export ${name}=(.*)$`, 'm').exec(keyLines)?.[1];
    if (!value) throw new Error(`${name} missing from: ${keyLines}`);
    return value;
  };
  const alice = { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') };
  cli(dataDir, 'buckets', 'create', BUCKET);
  const synthetic = join(dataDir, 'synthetic');
  writeSyntheticArchive(synthetic, { files: 10, recordsPerFile: 100, accountId: ACCOUNT, seed: 6 });
  cli(dataDir, 'import', PLASO, STRATUS, synthetic);
  const cairn = await CairnProcess.start(args, dataDir);
  return {
    cairn,
    alice,
    client: (region) => new CloudTrailClient({ endpoint: cairn.url, region, credentials: alice }),
  };
}

/** Every event LookupEvents returns for one attribute, newest first. */
export async function lookupAll(client: CloudTrailClient, key: LookupAttributeKey, value: string): Promise<Event[]> {
  const events: Event[] = [];
  for await (const page of paginateLookupEvents({ client, pageSize: 50 }, { LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] })) {
    events.push(...(page.Events ?? []));
  }
  return events;
}
