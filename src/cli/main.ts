#!/usr/bin/env node
import { queryCommand } from './query.js';
import { athenaDdlCommand } from './athena-ddl.js';
import { Command, Option } from 'commander';
import { DEFAULTS } from '../main.js';
import { ApiError } from './api-client.js';
import { createBucketCommand } from './buckets.js';
import { importCommand } from './import.js';
import { createKey, deleteKey, listKeys } from './keys.js';
import { lookupEventsCommand } from './lookup.js';
import { serve } from './serve.js';
import { storeOption } from './store-option.js';
import { validateLogsCommand } from './validate-logs.js';

const dataDir = (): Option =>
  new Option('--data-dir <dir>', 'data directory').env('CAIRN_DATA_DIR').default(DEFAULTS.dataDir);
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const program = new Command('cairn').description('Cairn: a self-hosted, wire-compatible AWS CloudTrail').showHelpAfterError();

program
  .command('serve')
  .description('run Cairn (API, event history) on its embedded store')
  .addOption(dataDir())
  .addOption(storeOption())
  .option('--host <host>', 'address to listen on', DEFAULTS.host)
  .option('--port <port>', 'port to listen on', String(DEFAULTS.port))
  .option('--account-id <id>', 'default account id', DEFAULTS.accountId)
  .option('--region <region>', 'default region', DEFAULTS.region)
  .addOption(new Option('--auth <mode>', 'SigV4 authentication; off = emulator mode, any key accepted').choices(['on', 'off']).default('on'))
  .option('--retention-days <days>', 'how long event history keeps events', String(DEFAULTS.retentionDays))
  .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
  .option('--tls-key <file>', 'PEM private key for --tls-cert')
  .option('--upstream <url>', 'recording gateway: forward every other AWS call to this endpoint and record it')
  .option('--config <file>', 'gateway config (JSON: upstream, upstreams per service, trustedProxies, identities)')
  .option('--trusted-proxy <address>', 'believe X-Forwarded-For from this peer (repeat)', collect)
  .option('--identities <file>', 'JSON list of userIdentity objects (with accessKeyId) for keys Cairn does not hold')
  .option('--s3-endpoint <url>', 'S3 API endpoint trails deliver to (path style); default: local directories')
  .option('--s3-region <region>', 'region to sign S3 requests for (default: --region)')
  .option('--buckets-dir <dir>', 'directory holding local buckets (default: <data-dir>/buckets)')
  .option('--delivery-interval <seconds>', 'how often trails deliver log files', String(DEFAULTS.deliveryIntervalSeconds))
  .option('--digest-interval <seconds>', 'digest period of log file validation', String(DEFAULTS.digestIntervalSeconds))
  .option('--sns-endpoint <url>', "SNS API endpoint for trails' delivery notifications")
  .option('--notify-webhook <url>', 'HTTP URL that receives delivery notifications (when there is no --sns-endpoint)')
  .option('--kms-endpoint <url>', "KMS API endpoint: checks trails' KmsKeyId; data keys for encrypted local buckets")
  .option('--lake-interval <seconds>', 'how often CloudTrail Lake ingests new events into event data stores', String(DEFAULTS.lake.ingestIntervalMs / 1000))
  .option('--import-batch-files <n>', 'Lake imports (StartImport) write their events every <n> log files at most', '200')
  .option('--lake-query-timeout <seconds>', 'CloudTrail Lake queries running longer are TIMED_OUT', String(DEFAULTS.lake.queryTimeoutMs / 1000))
  .option('--lake-memory <size>', 'DuckDB memory limit of each CloudTrail Lake query', DEFAULTS.lake.memoryLimit)
  .option('--lake-s3 <s3://bucket/prefix>', 'keep event data stores and event history as Parquet in S3 (every node must share it); default: <data-dir>/lake')
  .option('--lake-s3-endpoint <url>', 'S3 API endpoint of --lake-s3 (path style); default: --s3-endpoint, else AWS')
  .option('--lake-cache-mb <MiB>', 'local cache of Lake files read from S3', String(DEFAULTS.lakeCacheMb))
  .option('--no-console', 'do not serve the web console under /console')
  .option('--console-session-ttl <seconds>', 'how long a console sign-in lasts', String(DEFAULTS.consoleSessionTtlSeconds))
  .action(serve);

const buckets = program.command('buckets').description('local buckets trails deliver to');
buckets
  .command('create')
  .description('create a local bucket (a directory under <data-dir>/buckets, or --buckets-dir)')
  .argument('<name>', 'bucket name')
  .addOption(dataDir())
  .option('--buckets-dir <dir>', 'directory holding local buckets (default: <data-dir>/buckets)')
  .action(createBucketCommand);

program
  .command('import')
  .description('load CloudTrail archives (AWSLogs trees, .json/.json.gz, JSON lines, lookup-events output) into the store')
  .argument('<paths...>', 'files or directories')
  .addOption(dataDir())
  .option('--account-id <id>', 'account for records that name none', DEFAULTS.accountId)
  .option('--region <region>', 'region for records that name none', DEFAULTS.region)
  .option('--kms-endpoint <url>', 'KMS API endpoint, to read log files encrypted in local buckets')
  .addOption(storeOption())
  .action(importCommand);

program
  .command('lookup-events')
  .description('look up events (the AWS CLI flags; several --lookup-attributes or --text search them together)')
  .option('--lookup-attributes <attr...>', 'AttributeKey=<key>,AttributeValue=<value> (several: searched together)')
  .option('--start-time <time>', 'epoch seconds or a date')
  .option('--end-time <time>', 'epoch seconds or a date')
  .option('--event-category <category>', 'insight')
  .option('--max-items <n>', 'stop after n events and print a NextToken')
  .option('--starting-token <token>', 'continue from a NextToken this command printed')
  .option('--page-size <n>', 'events per request')
  .option('--text <text>', 'free text that the record must contain (combined search)')
  .option('--categories <category>', 'management, data, insight (repeat; combined search)', collect)
  .option('--endpoint-url <url>', 'Cairn endpoint', process.env.CAIRN_ENDPOINT ?? `http://${DEFAULTS.host}:${DEFAULTS.port}`)
  .option('--region <region>', 'region to sign for')
  .addOption(dataDir())
  .addOption(new Option('--output <format>', 'output format').choices(['json', 'table']).default('json'))
  .action(lookupEventsCommand);

program
  .command('query')
  .description('CloudTrail Lake SQL over event data stores and event_history (a server, the data directory, or raw trail files with --archive)')
  .argument('<sql>', 'one SELECT; tables: event data store ids, event_history (with --archive: cloudtrail_logs, Athena column names)')
  .option('--endpoint-url <url>', 'run on a Cairn server (StartQuery) instead of the data directory')
  .option('--region <region>', 'region of the event data stores', undefined)
  .option('--account-id <id>', 'account whose stores and event history are read (data directory)', DEFAULTS.accountId)
  .option('--archive <path...>', 'trail archive directories or files, or s3://bucket/prefix, queried as Athena\'s cloudtrail_logs table')
  .option('--s3-endpoint <url>', 'S3 API endpoint for --archive s3://... (credentials from the environment)')
  .option('--kms-endpoint <url>', 'KMS API endpoint, to read --archive log files encrypted in local buckets')
  .addOption(dataDir())
  .addOption(new Option('--output <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
  .action(queryCommand);

program
  .command('athena-ddl')
  .description("print Athena's CREATE EXTERNAL TABLE (with partition projection) for a trail's bucket, or for an event data store in the Lake's S3")
  .option('--bucket <name>', "the trail's S3 bucket")
  .option('--event-data-store <id>', 'instead: an event data store (id or ARN) whose Parquet is in --lake-s3')
  .option('--lake-s3 <s3://bucket/prefix>', 'the --lake-s3 the servers run with')
  .option('--prefix <prefix>', "the trail's S3 key prefix")
  .option('--account-id <id>', 'account whose logs the table reads', DEFAULTS.accountId)
  .option('--regions <list>', 'comma-separated regions to project', DEFAULTS.region)
  .option('--table-name <name>', 'table name', 'cloudtrail_logs')
  .option('--start-date <YYYY/MM/DD>', 'first day of the projection', '2024/01/01')
  .action(athenaDdlCommand);

program
  .command('validate-logs')
  .description("check a trail's digests and log files as `aws cloudtrail validate-logs` does, on Cairn's buckets")
  .requiredOption('--trail-arn <arn>', 'the trail')
  .requiredOption('--start-time <time>', 'validate from this time (ISO date or epoch seconds)')
  .option('--end-time <time>', 'validate until this time (default: now)')
  .option('--s3-bucket <bucket>', "bucket holding the digests (default: the trail's)")
  .option('--s3-prefix <prefix>', "key prefix (default: the trail's)")
  .option('--account-id <id>', "account of the logs (default: the trail ARN's)")
  .option('--region <region>', "source region of the logs (default: the trail's home region)")
  .option('--verbose', 'print every valid file too')
  .addOption(dataDir())
  .option('--buckets-dir <dir>', 'directory holding local buckets (default: <data-dir>/buckets)')
  .option('--s3-endpoint <url>', 'S3 API endpoint holding the bucket (default: local directories)')
  .option('--s3-region <region>', 'region to sign S3 requests for')
  .option('--kms-endpoint <url>', 'KMS API endpoint, to read log files encrypted in local buckets')
  .addOption(storeOption())
  .action(validateLogsCommand);

const keys = program.command('keys').description('manage the access keys Cairn accepts');
keys
  .command('create')
  .description('create an access key (root of the account by default)')
  .addOption(dataDir())
  .option('--account-id <id>', 'account', DEFAULTS.accountId)
  .option('--user <name>', 'as an IAM user')
  .option('--role <name>', 'as an assumed role')
  .option('--session <name>', 'role session name')
  .option('--region <region>', 'region for the printed AWS_DEFAULT_REGION', DEFAULTS.region)
  .addOption(storeOption())
  .action(createKey);
keys
  .command('list')
  .description('list access keys')
  .addOption(dataDir())
  .addOption(new Option('--output <format>', 'output format').choices(['json', 'text']).default('text'))
  .addOption(storeOption())
  .action(listKeys);
keys.command('delete').description('delete an access key').argument('<access-key-id>').addOption(dataDir()).addOption(storeOption()).action(deleteKey);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ApiError) {
    // The AWS CLI's wording and exit status for service errors.
    process.stderr.write(`\nAn error occurred (${error.code}) when calling the ${error.operation} operation: ${error.message}\n`);
    process.exitCode = 255;
    return;
  }
  process.stderr.write(`cairn: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
