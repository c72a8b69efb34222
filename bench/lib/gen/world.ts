/**
 * The simulated estate the generated events happen in: 3 accounts, 4 regions, a few dozen IAM users
 * and roles with their keys, source IPs and user agents, and per-region resources (instances,
 * buckets, keys, functions, ...). Built once from the seed; everything is deterministic.
 */
import { AliasTable, Rng, hash32, hashedHex, hashedKeyChars } from './rng.js';

export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'] as const;
export type Region = (typeof REGIONS)[number];
export const REGION_WEIGHTS = [0.7, 0.15, 0.1, 0.05];
export const ACCOUNT_WEIGHTS = [0.6, 0.3, 0.1];

/** Who typically makes a call; catalog entries say which classes call them. */
export type CallerClass = 'human' | 'automation' | 'instance' | 'lambda' | 'ecs' | 'config';
export const CALLER_CLASSES: readonly CallerClass[] = ['human', 'automation', 'instance', 'lambda', 'ecs', 'config'];

export interface Agent {
  /** User agent; `{svc}` → service short name, `{cmd}` → CLI command (`ec2.describe-instances`). */
  template: string;
  /** Console sessions: `sessionCredentialFromConsole: "true"`. */
  console: boolean;
  tls: 'TLSv1.3' | 'TLSv1.2';
}

export interface Principal {
  kind: 'IAMUser' | 'Role' | 'Root';
  cls: CallerClass;
  account: string;
  name: string;
  /** IAM path, e.g. `/` or `/aws-reserved/sso.amazonaws.com/`. */
  path: string;
  /** AIDA… / AROA… / account id for root. */
  id: string;
  /** Long-term keys (IAM users). */
  accessKeys: string[];
  /** Role session names; `instances` means "the instance id making the call". */
  sessions: string[] | 'instances';
  ips: string[];
  agents: Agent[];
  /** Credential lifetime for temporary credentials, seconds. */
  windowSec: number;
  mfa: boolean;
  ec2RoleDelivery?: string;
  /** Service-linked roles: `invokedBy`, and the service host as source IP / user agent. */
  invokedBy?: string;
}

export interface Instance {
  id: string;
  type: string;
  ami: string;
  subnet: Subnet;
  sg: SecurityGroup;
  privateIp: string;
  publicIp: string;
  name: string;
}

export interface Subnet {
  id: string;
  vpc: string;
  az: string;
  azId: string;
}

export interface SecurityGroup {
  id: string;
  name: string;
  vpc: string;
}

export interface LambdaFn {
  name: string;
  runtime: string;
  role: string;
  ips: string[];
}

export interface RegionPool {
  region: Region;
  instances: Instance[];
  vpcs: string[];
  subnets: Subnet[];
  sgs: SecurityGroup[];
  volumes: string[];
  snapshots: string[];
  amis: string[];
  enis: string[];
  kmsKeys: { id: string; alias: string }[];
  functions: LambdaFn[];
  logGroups: string[];
  secrets: string[];
  params: string[];
  tables: string[];
  clusters: string[];
  ecsServices: string[];
  targetGroups: string[];
  loadBalancers: string[];
  dbInstances: string[];
  asgs: string[];
  stacks: string[];
  repos: string[];
  topics: string[];
  queues: string[];
  alarms: string[];
  buckets: string[];
  vpcEndpoint: string;
}

export interface AccountWorld {
  id: string;
  alias: string;
  users: Principal[];
  roles: Principal[];
  root: Principal;
  /** Caller class → principals, weighted Zipf-like (a few principals do most calls). */
  byClass: Map<CallerClass, AliasTable<Principal>>;
  /** Roles that humans/CI assume with sts:AssumeRole. */
  assumable: Principal[];
  lambdaRoles: Principal[];
  instanceRoles: Principal[];
  ecsRoles: Principal[];
  policies: string[];
  trails: string[];
  pools: Record<Region, RegionPool>;
  buckets: { name: string; region: Region }[];
  hostedZones: string[];
}

export interface World {
  seed: number;
  accounts: AccountWorld[];
  accountTable: AliasTable<AccountWorld>;
  regionTable: AliasTable<Region>;
  /** 1 MiB of random base64 characters: session tokens etc. are slices of it (cheap, incompressible). */
  noise: string;
}

const HUMAN_USERS = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'gustavo', 'hana'];
const AUTOMATION_USERS = ['terraform', 'ci-deploy', 'backup-agent', 'grafana-reader', 'legacy-billing-app', 'datadog-integration'];
const FUNCTIONS = [
  'orders-api', 'image-resizer', 'nightly-report', 'slack-notifier', 'cost-explorer-export', 'user-signup-handler',
  'invoice-renderer', 'cleanup-snapshots', 'guardduty-forwarder', 'config-rule-s3-encryption', 'audit-log-shipper', 'payments-webhook',
];
const INSTANCE_NAMES = ['web', 'api', 'worker', 'bastion', 'eks-node', 'batch', 'jenkins', 'kafka', 'redis', 'etl'];
const INSTANCE_TYPES = ['t3.medium', 't3.large', 'm5.large', 'm6i.xlarge', 'c6g.large', 'r6i.large', 't4g.small'];
const RUNTIMES = ['python3.12', 'nodejs20.x', 'python3.11', 'java21', 'nodejs18.x', 'provided.al2023'];
const AZ_IDS: Record<Region, string> = { 'us-east-1': 'use1-az', 'us-west-2': 'usw2-az', 'eu-west-1': 'euw1-az', 'ap-southeast-2': 'apse2-az' };

const SDK_AGENTS: Agent[] = [
  { template: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#{cmd}', console: false, tls: 'TLSv1.3' },
  { template: 'aws-cli/2.17.46 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{cmd}', console: false, tls: 'TLSv1.3' },
  { template: 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69', console: false, tls: 'TLSv1.3' },
  { template: 'aws-sdk-js/3.540.0 ua/2.1 os/linux#5.10.214-202.855.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/{svc}#3.540.0', console: false, tls: 'TLSv1.3' },
  { template: 'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.156.0', console: false, tls: 'TLSv1.3' },
  { template: 'aws-sdk-java/2.25.16 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy', console: false, tls: 'TLSv1.2' },
];
const CONSOLE_AGENT: Agent = { template: 'AWS Internal', console: true, tls: 'TLSv1.3' };
const TERRAFORM_AGENT: Agent = {
  template: 'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.43.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.156.0',
  console: false,
  tls: 'TLSv1.3',
};
const DATADOG_AGENT: Agent = { template: 'Datadog/1.0 aws-sdk-go/1.50.8 (go1.21.6; linux; amd64)', console: false, tls: 'TLSv1.3' };
const SSM_AGENT: Agent = { template: 'aws-sdk-go/1.44.260 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.987.0', console: false, tls: 'TLSv1.3' };
const ECS_AGENT: Agent = { template: 'aws-sdk-go/1.51.3 (go1.21.9; linux; amd64) ecs-agent/1.82.1', console: false, tls: 'TLSv1.3' };
const LAMBDA_PY: Agent = { template: 'Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 os/linux#5.10.216-225.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.42', console: false, tls: 'TLSv1.3' };
const LAMBDA_JS: Agent = { template: 'aws-sdk-js/3.592.0 ua/2.1 os/linux#5.10.216-225.855.amzn2.x86_64 lang/js md/nodejs#20.13.1 exec-env/AWS_Lambda_nodejs20.x api/{svc}#3.592.0', console: false, tls: 'TLSv1.3' };

function publicIp(rng: Rng): string {
  const firsts = [3, 18, 34, 35, 44, 52, 54, 63, 73, 81, 86, 98, 104, 142, 176, 185, 203];
  return `${rng.pick(firsts)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function awsIp(rng: Rng): string {
  return `${rng.pick([3, 18, 34, 44, 52, 54])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function id17(prefix: string, ...key: (string | number)[]): string {
  return prefix + hashedKeyChars(17, ...key);
}

function makeUser(rng: Rng, account: string, name: string, cls: CallerClass, agents: Agent[], ips: string[]): Principal {
  const keys = [`AKIA${hashedKeyChars(16, account, name, 'k1')}`];
  if (rng.chance(0.4)) keys.push(`AKIA${hashedKeyChars(16, account, name, 'k2')}`);
  return { kind: 'IAMUser', cls, account, name, path: '/', id: id17('AIDA', account, name), accessKeys: keys, sessions: [], ips, agents, windowSec: 3600, mfa: cls === 'human' };
}

function makeRole(
  account: string,
  name: string,
  cls: CallerClass,
  sessions: string[] | 'instances',
  ips: string[],
  agents: Agent[],
  windowSec: number,
  path = '/',
  extra: Partial<Principal> = {},
): Principal {
  return { kind: 'Role', cls, account, name, path, id: id17('AROA', account, name), accessKeys: [], sessions, ips, agents, windowSec, mfa: false, ...extra };
}

function buildPool(rng: Rng, account: string, region: Region, alias: string): RegionPool {
  const h = (n: number, ...k: (string | number)[]): string => hashedHex(n, account, region, ...k);
  const azs = ['a', 'b', 'c'];
  const vpcs = [`vpc-0${h(16, 'vpc', 0)}`, `vpc-0${h(16, 'vpc', 1)}`, `vpc-0${h(16, 'vpc', 2)}`];
  const subnets: Subnet[] = [];
  for (let i = 0; i < 6; i++) {
    subnets.push({ id: `subnet-0${h(16, 'subnet', i)}`, vpc: vpcs[i % 2]!, az: `${region}${azs[i % 3]!}`, azId: `${AZ_IDS[region]}${(i % 3) + 1}` });
  }
  const sgNames = ['default', 'web-alb', 'app-servers', 'bastion-ssh', 'rds-postgres', 'eks-cluster', 'lambda-egress', 'vpc-endpoints'];
  const sgs: SecurityGroup[] = sgNames.map((name, i) => ({ id: `sg-0${h(16, 'sg', i)}`, name, vpc: vpcs[i % 2]! }));
  const amis = Array.from({ length: 6 }, (_, i) => `ami-0${h(16, 'ami', i)}`);
  const instances: Instance[] = [];
  const nInstances = region === 'us-east-1' ? 36 : 12;
  for (let i = 0; i < nInstances; i++) {
    const subnet = subnets[i % subnets.length]!;
    instances.push({
      id: `i-0${h(16, 'i', i)}`,
      type: rng.pick(INSTANCE_TYPES),
      ami: rng.pick(amis),
      subnet,
      sg: sgs[1 + (i % (sgs.length - 1))]!,
      privateIp: `10.${subnet.vpc === vpcs[0] ? 0 : 1}.${rng.int(0, 47)}.${rng.int(4, 250)}`,
      publicIp: awsIp(rng),
      name: `${INSTANCE_NAMES[i % INSTANCE_NAMES.length]!}-${Math.floor(i / INSTANCE_NAMES.length) + 1}`,
    });
  }
  const nFns = region === 'us-east-1' ? FUNCTIONS.length : 5;
  const functions: LambdaFn[] = FUNCTIONS.slice(0, nFns).map((name, i) => ({
    name,
    runtime: RUNTIMES[i % RUNTIMES.length]!,
    role: `${name}-role`,
    ips: Array.from({ length: 4 }, () => awsIp(rng)),
  }));
  const env = alias.split('-')[1] ?? 'prod';
  return {
    region,
    instances,
    vpcs,
    subnets,
    sgs,
    volumes: Array.from({ length: nInstances * 2 }, (_, i) => `vol-0${h(16, 'vol', i)}`),
    snapshots: Array.from({ length: 20 }, (_, i) => `snap-0${h(16, 'snap', i)}`),
    amis,
    enis: Array.from({ length: 30 }, (_, i) => `eni-0${h(16, 'eni', i)}`),
    kmsKeys: ['s3-data', 'rds', 'secrets', 'ebs', 'lambda-env', 'sqs'].map((a, i) => ({ id: uuidFromHash(account, region, 'kms', i), alias: `alias/${env}-${a}` })),
    functions,
    logGroups: [...functions.map((f) => `/aws/lambda/${f.name}`), `/ecs/${env}-api`, `/ecs/${env}-worker`, '/aws/eks/main/cluster', `/${env}/app/access`],
    secrets: ['db/postgres/master', 'api/stripe-key', 'api/sendgrid', 'oauth/github-app', 'rds!cluster-' + h(8, 'rds'), 'datadog/api-key'].map((s) => `${env}/${s}`),
    params: ['db_host', 'db_port', 'feature_flags', 'log_level', 'queue_url', 'api_base_url', 'cdn_domain', 'max_workers', 'sentry_dsn', 'ami_latest'].map((p) => `/${env}/app/${p}`),
    tables: ['orders', 'sessions', 'users', 'idempotency-keys', 'terraform-locks', 'feature-flags'].map((t) => `${env}-${t}`),
    clusters: [`${env}-cluster`, `${env}-batch`],
    ecsServices: ['api', 'worker', 'scheduler', 'frontend'],
    targetGroups: ['api', 'web', 'admin'].map((t, i) => `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${env}-${t}/${h(16, 'tg', i)}`),
    loadBalancers: ['public', 'internal'].map((t, i) => `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${env}-${t}/${h(16, 'lb', i)}`),
    dbInstances: [`${env}-postgres-1`, `${env}-postgres-2`, `${env}-reporting`],
    asgs: [`${env}-web-asg`, `${env}-worker-asg`, `eks-main-ng-${h(8, 'asg')}`],
    stacks: [`${env}-network`, `${env}-app`, 'CDKToolkit', `${env}-monitoring`, `StackSet-guardrails-${h(8, 'ss')}`],
    repos: ['api', 'worker', 'frontend', 'base-images/python'].map((r) => `${env}/${r}`),
    topics: ['alerts', 'deployments', 'billing'].map((t) => `arn:aws:sns:${region}:${account}:${env}-${t}`),
    queues: ['orders', 'emails', 'dead-letter'].map((q) => `https://sqs.${region}.amazonaws.com/${account}/${env}-${q}`),
    alarms: ['api-5xx', 'cpu-high', 'queue-depth', 'billing-threshold', 'rds-free-storage'].map((a) => `${env}-${a}`),
    buckets: [],
    vpcEndpoint: `vpce-0${h(16, 'vpce')}`,
  };
}

function uuidFromHash(...key: (string | number)[]): string {
  const x = hashedHex(32, ...key);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

function weighted(items: Principal[], s = 1.0): AliasTable<Principal> {
  return new AliasTable(items, items.map((_, i) => 1 / Math.pow(i + 1, s)));
}

function buildAccount(rng: Rng, seed: number, index: number): AccountWorld {
  const id = String(100000000000 + (hash32('account', seed, index) % 900000000000)).padStart(12, '0');
  const alias = ['acme-prod', 'acme-staging', 'acme-shared'][index] ?? `acme-${index}`;
  const env = alias.split('-')[1] ?? 'prod';
  const office = [publicIp(rng), publicIp(rng), publicIp(rng)];
  const ciIps = Array.from({ length: 6 }, () => awsIp(rng));
  const users: Principal[] = [];
  for (const name of HUMAN_USERS) {
    const ips = [rng.pick(office), publicIp(rng)];
    if (rng.chance(0.5)) ips.push(publicIp(rng));
    users.push(makeUser(rng, id, name, 'human', [rng.pick(SDK_AGENTS.slice(0, 2)), CONSOLE_AGENT, rng.pick(SDK_AGENTS)], ips));
  }
  for (const name of AUTOMATION_USERS) {
    const agent = name === 'terraform' ? TERRAFORM_AGENT : name === 'datadog-integration' ? DATADOG_AGENT : rng.pick(SDK_AGENTS.slice(2));
    users.push(makeUser(rng, id, name, 'automation', [agent], name.startsWith('ci') ? ciIps : [publicIp(rng), publicIp(rng)]));
  }
  const pools = {} as Record<Region, RegionPool>;
  for (const region of REGIONS) pools[region] = buildPool(rng, id, region, alias);
  const east = pools['us-east-1'];

  const sso = (perm: string): string => `AWSReservedSSO_${perm}_${hashedHex(16, id, perm)}`;
  const emails = HUMAN_USERS.map((u) => `${u}@acme.example`);
  const humanIps = users.filter((u) => u.cls === 'human').flatMap((u) => u.ips);
  const roles: Principal[] = [
    makeRole(id, sso('AdministratorAccess'), 'human', emails.slice(0, 4), humanIps, [CONSOLE_AGENT, SDK_AGENTS[0]!, SDK_AGENTS[1]!], 4 * 3600, '/aws-reserved/sso.amazonaws.com/'),
    makeRole(id, sso('ReadOnlyAccess'), 'human', emails, humanIps, [CONSOLE_AGENT, SDK_AGENTS[1]!], 4 * 3600, '/aws-reserved/sso.amazonaws.com/'),
    makeRole(id, sso('PowerUserAccess'), 'human', emails.slice(2), humanIps, [SDK_AGENTS[0]!, CONSOLE_AGENT, SDK_AGENTS[3]!], 4 * 3600, '/aws-reserved/sso.amazonaws.com/'),
    makeRole(id, 'DatadogIntegrationRole', 'automation', ['DatadogAWSIntegration'], Array.from({ length: 8 }, () => awsIp(rng)), [DATADOG_AGENT], 3600),
    makeRole(id, 'GitHubActionsDeployRole', 'automation', ['GitHubActions'], ciIps, [SDK_AGENTS[0]!, TERRAFORM_AGENT], 3600),
    makeRole(id, 'TerraformExecutionRole', 'automation', ['terraform-run', 'aws-go-sdk-1732609210'], ciIps, [TERRAFORM_AGENT], 3600),
    makeRole(id, 'OrganizationAccountAccessRole', 'automation', ['admin-break-glass', 'botocore-session-1732000001'], office, [SDK_AGENTS[2]!], 3600),
    makeRole(id, 'eks-node-group-role', 'instance', 'instances', [], [SSM_AGENT, SDK_AGENTS[4]!], 6 * 3600, '/', { ec2RoleDelivery: '2.0' }),
    makeRole(id, `${env}-ec2-instance-profile`, 'instance', 'instances', [], [SSM_AGENT, SDK_AGENTS[2]!], 6 * 3600, '/', { ec2RoleDelivery: '1.0' }),
    makeRole(id, `${env}-ecs-task-role`, 'ecs', Array.from({ length: 6 }, (_, i) => hashedHex(32, id, 'task', i)), ciIps.slice(0, 3).map(() => awsIp(rng)), [ECS_AGENT, SDK_AGENTS[3]!], 6 * 3600),
    makeRole(id, 'AWSServiceRoleForConfig', 'config', ['AWSConfig-Describe'], ['config.amazonaws.com'], [{ template: 'config.amazonaws.com', console: false, tls: 'TLSv1.3' }], 3600, '/aws-service-role/config.amazonaws.com/', { invokedBy: 'config.amazonaws.com' }),
  ];
  const lambdaRoles = east.functions.map((f) =>
    makeRole(id, f.role, 'lambda', [f.name], f.ips, [f.runtime.startsWith('node') ? LAMBDA_JS : LAMBDA_PY], 12 * 3600, '/service-role/'),
  );
  roles.push(...lambdaRoles);
  const root: Principal = { kind: 'Root', cls: 'human', account: id, name: 'root', path: '/', id, accessKeys: [], sessions: [], ips: office, agents: [CONSOLE_AGENT], windowSec: 3600, mfa: true };

  const byClass = new Map<CallerClass, AliasTable<Principal>>();
  const humans = [
    ...roles.filter((r) => r.cls === 'human'),
    ...users.filter((u) => u.cls === 'human'),
  ];
  byClass.set('human', new AliasTable([...humans, root], [...humans.map((_, i) => 1 / Math.pow(i + 1, 0.9)), 0.05]));
  // Automation: the monitoring integration is the chattiest principal by far, as in real accounts.
  const automation = [roles[3]!, users.find((u) => u.name === 'datadog-integration')!, roles[4]!, roles[5]!, ...users.filter((u) => u.cls === 'automation' && u.name !== 'datadog-integration'), roles[6]!];
  byClass.set('automation', weighted(automation, 1.1));
  byClass.set('instance', weighted([roles[7]!, roles[8]!], 0.5));
  byClass.set('lambda', weighted(lambdaRoles, 1.0));
  byClass.set('ecs', weighted([roles[9]!]));
  byClass.set('config', weighted([roles[10]!]));

  const bucketNames: { name: string; region: Region }[] = [
    { name: `${alias}-assets`, region: 'us-east-1' },
    { name: `${alias}-data-lake-raw`, region: 'us-east-1' },
    { name: `${alias}-data-lake-curated`, region: 'us-east-1' },
    { name: `aws-cloudtrail-logs-${id}-${hashedHex(8, id, 'ct')}`, region: 'us-east-1' },
    { name: `config-bucket-${id}`, region: 'us-east-1' },
    { name: `cdk-hnb659fds-assets-${id}-us-east-1`, region: 'us-east-1' },
    { name: `${alias}-terraform-state`, region: 'us-east-1' },
    { name: `${alias}-user-uploads`, region: 'us-east-1' },
    { name: `${alias}-backups-usw2`, region: 'us-west-2' },
    { name: `cdk-hnb659fds-assets-${id}-us-west-2`, region: 'us-west-2' },
    { name: `${alias}-eu-customer-exports`, region: 'eu-west-1' },
    { name: `${alias}-eu-logs`, region: 'eu-west-1' },
    { name: `${alias}-apse2-media`, region: 'ap-southeast-2' },
  ];
  for (const b of bucketNames) pools[b.region].buckets.push(b.name);

  return {
    id,
    alias,
    users,
    roles,
    root,
    byClass,
    assumable: [roles[4]!, roles[5]!, roles[6]!, roles[3]!],
    lambdaRoles,
    instanceRoles: [roles[7]!, roles[8]!],
    ecsRoles: [roles[9]!],
    policies: [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      `arn:aws:iam::${id}:policy/${env}-app-access`,
      `arn:aws:iam::${id}:policy/${env}-deploy`,
      `arn:aws:iam::${id}:policy/boundary-developers`,
    ],
    trails: [`arn:aws:cloudtrail:us-east-1:${id}:trail/management-events`, `arn:aws:cloudtrail:us-east-1:${id}:trail/${env}-data-events`],
    pools,
    buckets: bucketNames,
    hostedZones: [`Z0${hashedKeyChars(19, id, 'hz0')}`, `Z0${hashedKeyChars(19, id, 'hz1')}`],
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function buildWorld(seed: number): World {
  const rng = new Rng(hash32('world', seed));
  const accounts = [0, 1, 2].map((i) => buildAccount(rng, seed, i));
  const noiseChars: string[] = [];
  const noiseRng = new Rng(hash32('noise', seed));
  for (let i = 0; i < 1 << 20; i++) noiseChars.push(B64[noiseRng.u32() & 63]!);
  return {
    seed,
    accounts,
    accountTable: new AliasTable(accounts, ACCOUNT_WEIGHTS),
    regionTable: new AliasTable([...REGIONS], REGION_WEIGHTS),
    noise: noiseChars.join(''),
  };
}

/** The principals of one account, by name, for tests and benchmark queries (e.g. a Username to look up). */
export function describeWorld(world: World): { account: string; alias: string; users: string[]; roles: string[]; accessKeys: string[] }[] {
  return world.accounts.map((a) => ({
    account: a.id,
    alias: a.alias,
    users: a.users.map((u) => u.name),
    roles: a.roles.map((r) => r.name),
    accessKeys: a.users.flatMap((u) => u.accessKeys),
  }));
}
