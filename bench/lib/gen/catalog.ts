/**
 * The event catalog: which API calls happen, how often (a skewed, Zipf-like mix modelled on real
 * trails: STS AssumeRole, KMS Decrypt, EC2 Describe*, S3 GetBucket*, SSM agent heartbeats …), who
 * makes them, and the requestParameters / responseElements / resources each one carries.
 *
 * Weights are relative (≈ per-mille of all events). Shapes follow real records (see
 * /work/shared/data/cloudtrail and shared/reference/cloudtrail.md §3).
 */
import type { Rng } from './rng.js';
import { hashedHex, hashedKeyChars } from './rng.js';
import type { AccountWorld, CallerClass, Instance, Principal, Region, RegionPool, World } from './world.js';
import type { GenResource, GenUserIdentity, Json, JsonObject } from './types.js';

/** A resolved caller: who signed the request. */
export interface Caller {
  identity: GenUserIdentity;
  arn: string;
  /** Session name (roles) or user name. */
  name: string;
  principal?: Principal;
  instance?: Instance;
  /** `invokedBy` of AWS-service callers. */
  service?: string;
}

export interface Ctx {
  rng: Rng;
  world: World;
  acct: AccountWorld;
  pool: RegionPool;
  region: Region;
  /** eventTime, epoch ms. */
  t: number;
  caller: Caller;
  /** Key cache for sessions (role, session, window) → ASIA key; filled by the generator. */
  sessionKey(role: Principal, session: string, t: number): string;
}

export interface Built {
  req: JsonObject | null;
  resp: JsonObject | null;
  resources?: GenResource[];
  add?: JsonObject;
  /** Overrides the request id (S3 uses 16 upper-case characters). */
  requestID?: string;
  /** Host the client connected to (tlsDetails.clientProvidedHostHeader). */
  host?: string;
}

export interface ErrorSpec {
  code: string;
  p: number;
  message: (c: Ctx) => string;
}

/** `svc:<host>` = an AWS service calling on its own (userIdentity.type AWSService). */
export type CallerSpec = CallerClass | `svc:${string}`;

export interface EventDef {
  source: string;
  name: string;
  readOnly: boolean;
  weight: number;
  callers: [CallerSpec, number][];
  build: (c: Ctx) => Built;
  /** Recorded in us-east-1 only (IAM, STS global endpoint, sign-in, Route 53, Health). */
  global?: boolean;
  /** S3 object-level data event. */
  data?: boolean;
  /** AwsConsoleSignIn event. */
  signin?: boolean;
  errors?: ErrorSpec[];
}

interface ServiceInfo {
  /** Endpoint prefix for tlsDetails, e.g. `ec2` → ec2.us-east-1.amazonaws.com. */
  host: string;
  /** `api/<svc>` in SDK user agents. */
  sdk: string;
  /** `md/command#<cli>.<op>` in AWS CLI user agents. */
  cli: string;
  version: string;
  global?: boolean;
  denied: string;
}

export const SERVICES: Record<string, ServiceInfo> = {
  'ec2.amazonaws.com': { host: 'ec2', sdk: 'ec2', cli: 'ec2', version: '1.10', denied: 'Client.UnauthorizedOperation' },
  's3.amazonaws.com': { host: 's3', sdk: 's3', cli: 's3api', version: '1.10', denied: 'AccessDenied' },
  'iam.amazonaws.com': { host: 'iam', sdk: 'iam', cli: 'iam', version: '1.08', global: true, denied: 'AccessDenied' },
  'sts.amazonaws.com': { host: 'sts', sdk: 'sts', cli: 'sts', version: '1.08', denied: 'AccessDenied' },
  'kms.amazonaws.com': { host: 'kms', sdk: 'kms', cli: 'kms', version: '1.08', denied: 'AccessDeniedException' },
  'lambda.amazonaws.com': { host: 'lambda', sdk: 'lambda', cli: 'lambda', version: '1.08', denied: 'AccessDenied' },
  'cloudtrail.amazonaws.com': { host: 'cloudtrail', sdk: 'cloudtrail', cli: 'cloudtrail', version: '1.11', denied: 'AccessDenied' },
  'logs.amazonaws.com': { host: 'logs', sdk: 'cloudwatch_logs', cli: 'logs', version: '1.08', denied: 'AccessDenied' },
  'monitoring.amazonaws.com': { host: 'monitoring', sdk: 'cloudwatch', cli: 'cloudwatch', version: '1.08', denied: 'AccessDenied' },
  'ssm.amazonaws.com': { host: 'ssm', sdk: 'ssm', cli: 'ssm', version: '1.08', denied: 'AccessDeniedException' },
  'secretsmanager.amazonaws.com': { host: 'secretsmanager', sdk: 'secrets_manager', cli: 'secretsmanager', version: '1.09', denied: 'AccessDenied' },
  'dynamodb.amazonaws.com': { host: 'dynamodb', sdk: 'dynamodb', cli: 'dynamodb', version: '1.09', denied: 'AccessDenied' },
  'elasticloadbalancing.amazonaws.com': { host: 'elasticloadbalancing', sdk: 'elastic_load_balancing_v2', cli: 'elbv2', version: '1.08', denied: 'AccessDenied' },
  'autoscaling.amazonaws.com': { host: 'autoscaling', sdk: 'auto_scaling', cli: 'autoscaling', version: '1.09', denied: 'AccessDenied' },
  'rds.amazonaws.com': { host: 'rds', sdk: 'rds', cli: 'rds', version: '1.08', denied: 'AccessDenied' },
  'ecr.amazonaws.com': { host: 'api.ecr', sdk: 'ecr', cli: 'ecr', version: '1.08', denied: 'AccessDeniedException' },
  'ecs.amazonaws.com': { host: 'ecs', sdk: 'ecs', cli: 'ecs', version: '1.08', denied: 'AccessDeniedException' },
  'config.amazonaws.com': { host: 'config', sdk: 'config_service', cli: 'configservice', version: '1.08', denied: 'AccessDeniedException' },
  'signin.amazonaws.com': { host: 'signin', sdk: 'signin', cli: 'signin', version: '1.11', global: true, denied: 'AccessDenied' },
  'cloudformation.amazonaws.com': { host: 'cloudformation', sdk: 'cloudformation', cli: 'cloudformation', version: '1.08', denied: 'AccessDenied' },
  'route53.amazonaws.com': { host: 'route53', sdk: 'route_53', cli: 'route53', version: '1.08', global: true, denied: 'AccessDenied' },
  'health.amazonaws.com': { host: 'health', sdk: 'health', cli: 'health', version: '1.09', denied: 'AccessDenied' },
  'sns.amazonaws.com': { host: 'sns', sdk: 'sns', cli: 'sns', version: '1.09', denied: 'AuthorizationError' },
  'sqs.amazonaws.com': { host: 'sqs', sdk: 'sqs', cli: 'sqs', version: '1.09', denied: 'AccessDenied' },
};

// ---------------------------------------------------------------------------------------------
// Small shape helpers

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The Java-style date AWS writes inside responseElements: `Nov 26, 2025, 3:04:05 PM`. */
export function awsDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]!} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let isoDay = Number.NaN;
let isoPrefix = '';

/** `2025-11-26T15:04:05Z` (second precision, as eventTime). Caches the date part. */
export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  const sec = Math.floor((ms - day * 86_400_000) / 1000);
  return `${isoPrefix}${TWO_DIGITS[Math.floor(sec / 3600)]!}:${TWO_DIGITS[Math.floor(sec / 60) % 60]!}:${TWO_DIGITS[sec % 60]!}Z`;
}

/** A slice of the world's random base64 noise (session tokens, result tokens, x-amz-id-2). */
function noise(c: Ctx, len: number): string {
  const start = c.rng.int(0, c.world.noise.length - len - 1);
  return c.world.noise.slice(start, start + len);
}

const items = (list: Json[]): JsonObject => ({ items: list });
const filterSet = (name: string, value: string): JsonObject => ({ items: [{ name, valueSet: { items: [{ value }] } }] });
const kmsArn = (c: Ctx, id: string): string => `arn:aws:kms:${c.region}:${c.acct.id}:key/${id}`;
const kmsRes = (c: Ctx, id: string): GenResource[] => [{ accountId: c.acct.id, type: 'AWS::KMS::Key', ARN: kmsArn(c, id) }];
const roleArn = (p: Principal): string => `arn:aws:iam::${p.account}:role${p.path}${p.name}`;
const ec2ReqId = (c: Ctx): string => c.rng.uuid();

function s3Host(c: Ctx, bucket: string | null): string {
  const suffix = c.region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${c.region}.amazonaws.com`;
  return bucket === null ? suffix : `${bucket}.${suffix}`;
}

function s3Add(c: Ctx, bytesIn: number, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': noise(c, 76),
    bytesTransferredOut: bytesOut,
  };
}

function bucket(c: Ctx): string {
  const local = c.pool.buckets;
  return local.length > 0 && c.rng.chance(0.85) ? c.rng.pick(local) : c.rng.pick(c.acct.buckets).name;
}

function bucketEvent(param: string): (c: Ctx) => Built {
  return (c) => {
    const b = bucket(c);
    const host = s3Host(c, b);
    return {
      req: { bucketName: b, Host: host, [param]: '' },
      resp: null,
      resources: [{ accountId: c.acct.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }],
      add: s3Add(c, 0, c.rng.int(200, 2400)),
      requestID: c.rng.upperAlnum(16),
      host,
    };
  };
}

const OBJECT_PREFIXES = ['raw/events/{d}/part-{n}.parquet', 'uploads/{u}.jpg', 'exports/report-{n}.csv', 'assets/static/js/main.{h}.js', 'backups/{d}/db-{n}.dump.gz', 'logs/{d}/app-{n}.log.gz'];

function objectKey(c: Ctx): string {
  const d = new Date(c.t);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return c.rng
    .pick(OBJECT_PREFIXES)
    .replace('{d}', day)
    .replace('{n}', String(c.rng.int(0, 4096)).padStart(5, '0'))
    .replace('{u}', c.rng.uuid())
    .replace('{h}', c.rng.hex(8));
}

function objectEvent(write: boolean): (c: Ctx) => Built {
  return (c) => {
    const b = bucket(c);
    const key = objectKey(c);
    const host = s3Host(c, b);
    const size = c.rng.int(300, 8_000_000);
    return {
      req: { bucketName: b, Host: host, key },
      resp: write ? { 'x-amz-server-side-encryption': 'AES256', 'x-amz-version-id': c.rng.alnum(32) } : null,
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b}/${key}` },
        { accountId: c.acct.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` },
      ],
      add: s3Add(c, write ? size : 0, write ? 0 : size),
      requestID: c.rng.upperAlnum(16),
      host,
    };
  };
}

function callerArnOrName(c: Ctx): string {
  return c.caller.arn;
}

function instanceOf(c: Ctx): Instance {
  return c.caller.instance ?? c.rng.pick(c.pool.instances);
}

function deniedMessage(c: Ctx, def: EventDef, resource: string): string {
  const svc = SERVICES[def.source]!;
  const action = `${def.source.split('.')[0]!}:${def.name.replace(/\d{8}(v\d)?$/, '')}`;
  if (svc.denied === 'Client.UnauthorizedOperation') {
    const base = `You are not authorized to perform this operation. User: ${callerArnOrName(c)} is not authorized to perform: ${action}`;
    return def.readOnly
      ? `${base} because no identity-based policy allows the ${action} action`
      : `${base} on resource: ${resource} because no identity-based policy allows the ${action} action. Encoded authorization failure message: ${noise(c, 380).replace(/[+/]/g, '-')}`;
  }
  return `User: ${callerArnOrName(c)} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/** The generic "not allowed" error every service can return; message names caller and action. */
export function accessDenied(c: Ctx, def: EventDef): { code: string; message: string } {
  const svc = SERVICES[def.source]!;
  const resource =
    def.source === 'ec2.amazonaws.com'
      ? `arn:aws:ec2:${c.region}:${c.acct.id}:instance/*`
      : def.source === 's3.amazonaws.com'
        ? `arn:aws:s3:::${c.pool.buckets[0] ?? c.acct.buckets[0]!.name}`
        : `arn:aws:${def.source.split('.')[0]!}:${c.region}:${c.acct.id}:*`;
  return { code: svc.denied, message: deniedMessage(c, def, resource) };
}

// ---------------------------------------------------------------------------------------------
// Caller mixes

const ANY: [CallerSpec, number][] = [['automation', 5], ['human', 3], ['instance', 1.5], ['lambda', 1], ['ecs', 0.5]];
const READERS: [CallerSpec, number][] = [['automation', 6], ['human', 2.5], ['config', 1.5], ['instance', 0.5], ['lambda', 0.5]];
const DEPLOYERS: [CallerSpec, number][] = [['automation', 6], ['human', 3]];
const WORKLOADS: [CallerSpec, number][] = [['lambda', 4], ['ecs', 3], ['instance', 3], ['automation', 1]];

// ---------------------------------------------------------------------------------------------
// Builders for EC2

function ec2Describe(extra: (c: Ctx) => JsonObject): (c: Ctx) => Built {
  return (c) => ({ req: extra(c), resp: null });
}

function instanceStateChange(action: 'start' | 'stop' | 'terminate'): (c: Ctx) => Built {
  const states = {
    start: [{ code: 0, name: 'pending' }, { code: 80, name: 'stopped' }],
    stop: [{ code: 64, name: 'stopping' }, { code: 16, name: 'running' }],
    terminate: [{ code: 32, name: 'shutting-down' }, { code: 16, name: 'running' }],
  } as const;
  return (c) => {
    const inst = c.rng.pick(c.pool.instances);
    const [cur, prev] = states[action];
    const req: JsonObject = { instancesSet: items([{ instanceId: inst.id }]) };
    if (action === 'stop') req.force = false;
    return {
      req,
      resp: { requestId: ec2ReqId(c), instancesSet: items([{ instanceId: inst.id, currentState: { ...cur }, previousState: { ...prev } }]) },
    };
  };
}

function runInstances(c: Ctx): Built {
  const tmpl = c.rng.pick(c.pool.instances);
  const id = `i-0${c.rng.hex(16)}`;
  const eni = `eni-0${c.rng.hex(16)}`;
  const token = c.rng.uuid();
  const privateDns = `ip-${tmpl.privateIp.replace(/\./g, '-')}.ec2.internal`;
  const group = { groupId: tmpl.sg.id, groupName: tmpl.sg.name };
  const tags = [{ key: 'Name', value: tmpl.name }, { key: 'team', value: c.rng.pick(['platform', 'data', 'payments']) }];
  return {
    req: {
      instancesSet: items([{ imageId: tmpl.ami, minCount: 1, maxCount: 1 }]),
      instanceType: tmpl.type,
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: token,
      networkInterfaceSet: items([{ deviceIndex: 0, subnetId: tmpl.subnet.id, groupSet: items([{ groupId: tmpl.sg.id }]) }]),
      tagSpecificationSet: items([{ resourceType: 'instance', tags }]),
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
    },
    resp: {
      requestId: ec2ReqId(c),
      reservationId: `r-0${c.rng.hex(16)}`,
      ownerId: c.acct.id,
      groupSet: {},
      instancesSet: items([
        {
          instanceId: id,
          imageId: tmpl.ami,
          currentInstanceBootMode: 'legacy-bios',
          instanceState: { code: 0, name: 'pending' },
          privateDnsName: privateDns,
          amiLaunchIndex: 0,
          productCodes: {},
          instanceType: tmpl.type,
          launchTime: c.t,
          placement: { availabilityZone: tmpl.subnet.az, tenancy: 'default' },
          monitoring: { state: 'disabled' },
          subnetId: tmpl.subnet.id,
          vpcId: tmpl.subnet.vpc,
          privateIpAddress: tmpl.privateIp,
          stateReason: { code: 'pending', message: 'pending' },
          architecture: tmpl.type.includes('g.') ? 'arm64' : 'x86_64',
          rootDeviceType: 'ebs',
          rootDeviceName: '/dev/xvda',
          blockDeviceMapping: {},
          virtualizationType: 'hvm',
          clientToken: token,
          tagSet: items(tags),
          groupSet: items([group]),
          sourceDestCheck: true,
          hypervisor: 'xen',
          networkInterfaceSet: items([
            {
              networkInterfaceId: eni,
              subnetId: tmpl.subnet.id,
              vpcId: tmpl.subnet.vpc,
              ownerId: c.acct.id,
              status: 'in-use',
              macAddress: `0e:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}`,
              privateIpAddress: tmpl.privateIp,
              privateDnsName: privateDns,
              sourceDestCheck: true,
              interfaceType: 'interface',
              groupSet: items([group]),
              attachment: { attachmentId: `eni-attach-0${c.rng.hex(16)}`, deviceIndex: 0, networkCardIndex: 0, status: 'attaching', attachTime: c.t, deleteOnTermination: true },
              privateIpAddressesSet: { item: [{ privateIpAddress: tmpl.privateIp, privateDnsName: privateDns, primary: true }] },
              ipv6AddressesSet: {},
              tagSet: {},
            },
          ]),
          ebsOptimized: false,
          enaSupport: true,
          cpuOptions: { coreCount: 1, threadsPerCore: 2 },
          capacityReservationSpecification: { capacityReservationPreference: 'open' },
          enclaveOptions: { enabled: false },
          metadataOptions: { state: 'pending', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled', httpProtocolIpv4: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' },
          maintenanceOptions: { autoRecovery: 'default' },
          privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
        },
      ]),
    },
  };
}

function lambdaEni(c: Ctx): Built {
  const fn = c.rng.pick(c.pool.functions);
  const subnet = c.rng.pick(c.pool.subnets);
  const sg = c.pool.sgs.find((g) => g.name === 'lambda-egress') ?? c.pool.sgs[0]!;
  const ip = `10.${c.rng.int(0, 1)}.${c.rng.int(64, 127)}.${c.rng.int(4, 250)}`;
  const dns = `ip-${ip.replace(/\./g, '-')}.ec2.internal`;
  const desc = `AWS Lambda VPC ENI-${fn.name}-${c.rng.uuid()}`;
  return {
    req: { subnetId: subnet.id, description: desc, groupSet: items([{ groupId: sg.id }]), privateIpAddressesSet: {} },
    resp: {
      requestId: ec2ReqId(c),
      networkInterface: {
        networkInterfaceId: `eni-0${c.rng.hex(16)}`,
        subnetId: subnet.id,
        vpcId: subnet.vpc,
        availabilityZone: subnet.az,
        description: desc,
        ownerId: c.acct.id,
        requesterId: `AROA${hashedKeyChars(17, c.acct.id, fn.role)}:${fn.name}`,
        requesterManaged: false,
        status: 'pending',
        macAddress: `12:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)}`,
        privateIpAddress: ip,
        privateDnsName: dns,
        sourceDestCheck: true,
        interfaceType: 'lambda',
        groupSet: items([{ groupId: sg.id, groupName: sg.name }]),
        privateIpAddressesSet: { item: [{ privateIpAddress: ip, privateDnsName: dns, primary: true }] },
        ipv6AddressesSet: {},
        tagSet: {},
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// STS

function assumeRole(c: Ctx): Built {
  let target: Principal;
  let session: string;
  const svc = c.caller.service;
  if (svc === 'lambda.amazonaws.com') {
    target = c.rng.pick(c.acct.lambdaRoles);
    session = (target.sessions as string[])[0]!;
  } else if (svc === 'ec2.amazonaws.com') {
    target = c.rng.pick(c.acct.instanceRoles);
    session = c.rng.pick(c.pool.instances).id;
  } else if (svc === 'ecs-tasks.amazonaws.com') {
    target = c.acct.ecsRoles[0]!;
    session = c.rng.pick(target.sessions as string[]);
  } else {
    target = c.rng.pick(c.acct.assumable);
    session = c.rng.pick(target.sessions as string[]);
  }
  const key = c.sessionKey(target, session, c.t);
  const windowMs = target.windowSec * 1000;
  const expires = (Math.floor(c.t / windowMs) + 1) * windowMs;
  const arn = roleArn(target);
  const req: JsonObject = { roleArn: arn, roleSessionName: session };
  if (!svc) req.durationSeconds = 3600;
  if (target.name === 'DatadogIntegrationRole') req.externalId = hashedHex(32, c.acct.id, 'dd-external');
  return {
    req,
    resp: {
      credentials: { accessKeyId: key, sessionToken: `IQoJb3JpZ2luX2Vj${noise(c, 600)}`, expiration: awsDate(expires) },
      assumedRoleUser: { assumedRoleId: `${target.id}:${session}`, arn: `arn:aws:sts::${c.acct.id}:assumed-role/${target.name}/${session}` },
    },
    resources: [{ accountId: c.acct.id, type: 'AWS::IAM::Role', ARN: arn }],
    host: svc ? undefined : c.rng.chance(0.6) ? 'sts.amazonaws.com' : `sts.${c.region}.amazonaws.com`,
  };
}

// ---------------------------------------------------------------------------------------------
// IAM

const pickRole = (c: Ctx): Principal => c.rng.pick(c.acct.roles);
const pickUser = (c: Ctx): Principal => c.rng.pick(c.acct.users);
const POLICY_DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}';
const TRUST_DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

function iamUserResp(c: Ctx, name: string): JsonObject {
  return { user: { path: '/', userName: name, userId: `AIDA${c.rng.keyChars(17)}`, arn: `arn:aws:iam::${c.acct.id}:user/${name}`, createDate: awsDate(c.t) } };
}

// ---------------------------------------------------------------------------------------------
// KMS

function kmsKey(c: Ctx): { id: string; alias: string } {
  return c.pool.kmsKeys[c.rng.zipfIndex(c.pool.kmsKeys.length, 1.2)]!;
}

function kmsDecrypt(c: Ctx): Built {
  const key = kmsKey(c);
  const ctxChoice = c.rng.int(0, 3);
  const encryptionContext: JsonObject =
    ctxChoice === 0
      ? { 'aws:lambda:FunctionArn': `arn:aws:lambda:${c.region}:${c.acct.id}:function:${c.rng.pick(c.pool.functions).name}` }
      : ctxChoice === 1
        ? { 'aws:s3:arn': `arn:aws:s3:::${bucket(c)}` }
        : ctxChoice === 2
          ? { SecretARN: `arn:aws:secretsmanager:${c.region}:${c.acct.id}:secret:${c.rng.pick(c.pool.secrets)}-${c.rng.alnum(6)}`, SecretVersionId: c.rng.uuid() }
          : { 'aws:ebs:id': c.rng.pick(c.pool.volumes) };
  return { req: { encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, resp: null, resources: kmsRes(c, key.id) };
}

function kmsGenerateDataKey(c: Ctx): Built {
  const key = kmsKey(c);
  const b = bucket(c);
  return {
    req: { keyId: c.rng.chance(0.5) ? kmsArn(c, key.id) : key.alias, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${b}/${objectKey(c)}` }, keySpec: 'AES_256' },
    resp: null,
    resources: kmsRes(c, key.id),
  };
}

// ---------------------------------------------------------------------------------------------
// Lambda

function lambdaFnConfig(c: Ctx, fnName: string, runtime: string, role: string): JsonObject {
  return {
    functionName: fnName,
    functionArn: `arn:aws:lambda:${c.region}:${c.acct.id}:function:${fnName}`,
    runtime,
    role: `arn:aws:iam::${c.acct.id}:role/service-role/${role}`,
    handler: runtime.startsWith('python') ? 'app.handler' : 'index.handler',
    codeSize: c.rng.int(800, 40_000_000),
    description: '',
    timeout: c.rng.pick([3, 30, 60, 900]),
    memorySize: c.rng.pick([128, 256, 512, 1024]),
    lastModified: new Date(c.t).toISOString().replace('Z', '+0000'),
    codeSha256: noise(c, 43) + '=',
    version: '$LATEST',
    tracingConfig: { mode: 'PassThrough' },
    revisionId: c.rng.uuid(),
    state: 'Active',
    lastUpdateStatus: 'InProgress',
    lastUpdateStatusReason: 'The function is being created.',
    lastUpdateStatusReasonCode: 'Creating',
    packageType: 'Zip',
    architectures: ['x86_64'],
    ephemeralStorage: { size: 512 },
    snapStart: { applyOn: 'None', optimizationStatus: 'Off' },
    runtimeVersionConfig: { runtimeVersionArn: `arn:aws:lambda:${c.region}::runtime:${hashedHex(64, runtime)}` },
    loggingConfig: { logFormat: 'Text', logGroup: `/aws/lambda/${fnName}` },
  };
}

// ---------------------------------------------------------------------------------------------
// The catalog

const fn = (c: Ctx): string => c.rng.pick(c.pool.functions).name;
const inst = (c: Ctx): string => c.rng.pick(c.pool.instances).id;

export const CATALOG: EventDef[] = [
  // --- STS --------------------------------------------------------------------------------------
  {
    source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true, weight: 120,
    callers: [['svc:lambda.amazonaws.com', 22], ['svc:ec2.amazonaws.com', 12], ['svc:ecs-tasks.amazonaws.com', 8], ['automation', 40], ['human', 18]],
    build: assumeRole,
    errors: [{ code: 'AccessDenied', p: 0.01, message: (c) => `User: ${c.caller.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${c.acct.id}:role/OrganizationAccountAccessRole` }],
  },
  { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true, weight: 40, callers: ANY, build: () => ({ req: null, resp: null }) },
  // --- KMS --------------------------------------------------------------------------------------
  { source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true, weight: 75, callers: [...WORKLOADS, ['svc:secretsmanager.amazonaws.com', 2], ['svc:rds.amazonaws.com', 1]], build: kmsDecrypt },
  { source: 'kms.amazonaws.com', name: 'GenerateDataKey', readOnly: true, weight: 38, callers: [...WORKLOADS, ['svc:s3.amazonaws.com', 3], ['svc:cloudtrail.amazonaws.com', 1]], build: kmsGenerateDataKey },
  { source: 'kms.amazonaws.com', name: 'Encrypt', readOnly: true, weight: 6, callers: WORKLOADS, build: (c) => { const k = kmsKey(c); return { req: { keyId: k.alias, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, resp: null, resources: kmsRes(c, k.id) }; } },
  { source: 'kms.amazonaws.com', name: 'DescribeKey', readOnly: true, weight: 14, callers: READERS, build: (c) => { const k = kmsKey(c); return { req: { keyId: c.rng.chance(0.5) ? k.alias : k.id }, resp: null, resources: kmsRes(c, k.id) }; } },
  { source: 'kms.amazonaws.com', name: 'ListAliases', readOnly: true, weight: 5, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'kms.amazonaws.com', name: 'GetKeyPolicy', readOnly: true, weight: 3, callers: READERS, build: (c) => { const k = kmsKey(c); return { req: { keyId: k.id, policyName: 'default' }, resp: null, resources: kmsRes(c, k.id) }; } },
  {
    source: 'kms.amazonaws.com', name: 'CreateGrant', readOnly: false, weight: 14, callers: [['svc:ec2.amazonaws.com', 2], ['automation', 1], ['svc:rds.amazonaws.com', 1]],
    build: (c) => {
      const k = kmsKey(c);
      return {
        req: { keyId: kmsArn(c, k.id), granteePrincipal: `arn:aws:iam::${c.acct.id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`, operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant', 'DescribeKey'], constraints: { encryptionContextSubset: { 'aws:ebs:id': c.rng.pick(c.pool.volumes) } } },
        resp: { grantId: c.rng.hex(64), keyId: kmsArn(c, k.id) },
        resources: kmsRes(c, k.id),
      };
    },
  },
  { source: 'kms.amazonaws.com', name: 'RetireGrant', readOnly: false, weight: 10, callers: [['svc:ec2.amazonaws.com', 1]], build: (c) => { const k = kmsKey(c); return { req: { keyId: kmsArn(c, k.id), grantId: c.rng.hex(64) }, resp: null, resources: kmsRes(c, k.id) }; } },
  // --- EC2 --------------------------------------------------------------------------------------
  {
    source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, weight: 60, callers: [...READERS, ['instance', 1]],
    build: ec2Describe((c) => (c.rng.chance(0.35) ? { instancesSet: items([{ instanceId: inst(c) }]), filterSet: {} } : c.rng.chance(0.3) ? { instancesSet: {}, filterSet: filterSet('tag:Name', c.rng.pick(c.pool.instances).name) } : { instancesSet: {}, filterSet: {} })),
    errors: [{ code: 'Client.InvalidInstanceID.NotFound', p: 0.004, message: (c) => `The instance ID 'i-0${c.rng.hex(16)}' does not exist` }],
  },
  { source: 'ec2.amazonaws.com', name: 'DescribeInstanceStatus', readOnly: true, weight: 18, callers: READERS, build: ec2Describe(() => ({ instancesSet: {}, filterSet: {}, includeAllInstances: true })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeVolumes', readOnly: true, weight: 18, callers: READERS, build: ec2Describe((c) => (c.rng.chance(0.4) ? { volumeSet: items([{ volumeId: c.rng.pick(c.pool.volumes) }]), filterSet: {} } : { volumeSet: {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true, weight: 16, callers: READERS, build: ec2Describe((c) => ({ securityGroupSet: {}, securityGroupIdSet: c.rng.chance(0.5) ? items([{ groupId: c.rng.pick(c.pool.sgs).id }]) : {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeNetworkInterfaces', readOnly: true, weight: 14, callers: [...READERS, ['lambda', 3]], build: ec2Describe((c) => ({ networkInterfaceIdSet: c.rng.chance(0.5) ? items([{ networkInterfaceId: c.rng.pick(c.pool.enis) }]) : {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeSubnets', readOnly: true, weight: 11, callers: READERS, build: ec2Describe((c) => ({ subnetSet: {}, filterSet: filterSet('vpc-id', c.rng.pick(c.pool.vpcs)) })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeVpcs', readOnly: true, weight: 10, callers: READERS, build: ec2Describe(() => ({ vpcSet: {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeTags', readOnly: true, weight: 9, callers: [...READERS, ['instance', 2]], build: ec2Describe((c) => ({ filterSet: filterSet('resource-id', inst(c)) })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', readOnly: true, weight: 7, callers: READERS, build: ec2Describe(() => ({ snapshotSet: {}, ownersSet: items([{ owner: 'self' }]), sharedUsersSet: {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeImages', readOnly: true, weight: 7, callers: READERS, build: ec2Describe((c) => ({ executableBySet: {}, imagesSet: items([{ imageId: c.rng.pick(c.pool.amis) }]), ownersSet: {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeRegions', readOnly: true, weight: 6, callers: ANY, build: ec2Describe(() => ({ regionSet: {}, allRegions: false })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeAvailabilityZones', readOnly: true, weight: 5, callers: ANY, build: ec2Describe(() => ({ availabilityZoneSet: {}, availabilityZoneIdSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeAddresses', readOnly: true, weight: 4, callers: READERS, build: ec2Describe(() => ({ publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeRouteTables', readOnly: true, weight: 4, callers: READERS, build: ec2Describe((c) => ({ routeTableIdSet: {}, filterSet: filterSet('vpc-id', c.rng.pick(c.pool.vpcs)) })) },
  { source: 'ec2.amazonaws.com', name: 'DescribeLaunchTemplates', readOnly: true, weight: 3, callers: READERS, build: ec2Describe(() => ({ DescribeLaunchTemplatesRequest: { MaxResults: 200 } })) },
  {
    source: 'ec2.amazonaws.com', name: 'CreateTags', readOnly: false, weight: 22, callers: [['automation', 4], ['svc:autoscaling.amazonaws.com', 2], ['human', 1]],
    build: (c) => ({ req: { resourcesSet: items([{ resourceId: inst(c) }]), tagSet: items([{ key: c.rng.pick(['Name', 'team', 'cost-center', 'env']), value: c.rng.pick(['platform', 'data', 'prod', 'staging', 'cc-1042']) }]) }, resp: { requestId: ec2ReqId(c), _return: true } }),
  },
  { source: 'ec2.amazonaws.com', name: 'CreateNetworkInterface', readOnly: false, weight: 16, callers: [['lambda', 1]], build: lambdaEni },
  { source: 'ec2.amazonaws.com', name: 'DeleteNetworkInterface', readOnly: false, weight: 14, callers: [['lambda', 1]], build: (c) => ({ req: { networkInterfaceId: c.rng.pick(c.pool.enis) }, resp: { requestId: ec2ReqId(c), _return: true } }) },
  { source: 'ec2.amazonaws.com', name: 'ModifyNetworkInterfaceAttribute', readOnly: false, weight: 8, callers: [['lambda', 1]], build: (c) => ({ req: { networkInterfaceId: c.rng.pick(c.pool.enis), attachment: { attachmentId: `eni-attach-0${c.rng.hex(16)}`, deleteOnTermination: false } }, resp: { requestId: ec2ReqId(c), _return: true } }) },
  { source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false, weight: 1.5, callers: [['svc:autoscaling.amazonaws.com', 3], ['automation', 2], ['human', 1]], build: runInstances },
  { source: 'ec2.amazonaws.com', name: 'StartInstances', readOnly: false, weight: 1, callers: DEPLOYERS, build: instanceStateChange('start') },
  { source: 'ec2.amazonaws.com', name: 'StopInstances', readOnly: false, weight: 1, callers: DEPLOYERS, build: instanceStateChange('stop') },
  { source: 'ec2.amazonaws.com', name: 'TerminateInstances', readOnly: false, weight: 1.2, callers: [['svc:autoscaling.amazonaws.com', 3], ['automation', 1], ['human', 1]], build: instanceStateChange('terminate') },
  {
    source: 'ec2.amazonaws.com', name: 'CreateSnapshot', readOnly: false, weight: 2, callers: [['automation', 1]],
    build: (c) => {
      const vol = c.rng.pick(c.pool.volumes);
      return { req: { volumeId: vol, description: `Created by backup-agent for ${vol}` }, resp: { requestId: ec2ReqId(c), snapshotId: `snap-0${c.rng.hex(16)}`, volumeId: vol, status: 'pending', startTime: c.t, progress: '', ownerId: c.acct.id, volumeSize: c.rng.pick([8, 20, 50, 100]), encrypted: true, storageTier: 'standard' } };
    },
  },
  {
    source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', readOnly: false, weight: 0.5, callers: DEPLOYERS,
    build: (c) => {
      const sg = c.rng.pick(c.pool.sgs);
      const port = c.rng.pick([22, 443, 5432, 8080]);
      const cidr = c.rng.chance(0.2) ? '0.0.0.0/0' : '10.0.0.0/16';
      return {
        req: { groupId: sg.id, ipPermissions: items([{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: items([{ cidrIp: cidr }]), ipv6Ranges: {}, prefixListIds: {} }]) },
        resp: { requestId: ec2ReqId(c), _return: true, securityGroupRuleSet: items([{ groupOwnerId: c.acct.id, groupId: sg.id, securityGroupRuleId: `sgr-0${c.rng.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr }]) },
      };
    },
  },
  // --- S3 (management) ---------------------------------------------------------------------------
  { source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, weight: 26, callers: READERS, build: (c) => ({ req: { Host: s3Host(c, null) }, resp: null, add: s3Add(c, 0, c.rng.int(2000, 6000)), requestID: c.rng.upperAlnum(16), host: s3Host(c, null) }) },
  { source: 's3.amazonaws.com', name: 'GetBucketAcl', readOnly: true, weight: 40, callers: [['svc:cloudtrail.amazonaws.com', 3], ['config', 3], ...READERS], build: bucketEvent('acl') },
  { source: 's3.amazonaws.com', name: 'GetBucketLocation', readOnly: true, weight: 34, callers: [...READERS, ['lambda', 2], ['instance', 1]], build: bucketEvent('location') },
  { source: 's3.amazonaws.com', name: 'GetBucketPolicy', readOnly: true, weight: 13, callers: READERS, build: bucketEvent('policy'), errors: [{ code: 'NoSuchBucketPolicy', p: 0.3, message: () => 'The bucket policy does not exist' }] },
  { source: 's3.amazonaws.com', name: 'GetBucketVersioning', readOnly: true, weight: 9, callers: READERS, build: bucketEvent('versioning') },
  { source: 's3.amazonaws.com', name: 'GetBucketEncryption', readOnly: true, weight: 8, callers: READERS, build: bucketEvent('encryption'), errors: [{ code: 'ServerSideEncryptionConfigurationNotFoundError', p: 0.08, message: () => 'The server side encryption configuration was not found' }] },
  { source: 's3.amazonaws.com', name: 'GetBucketTagging', readOnly: true, weight: 7, callers: READERS, build: bucketEvent('tagging'), errors: [{ code: 'NoSuchTagSet', p: 0.25, message: () => 'The TagSet does not exist' }] },
  { source: 's3.amazonaws.com', name: 'GetBucketPublicAccessBlock', readOnly: true, weight: 7, callers: READERS, build: bucketEvent('publicAccessBlock') },
  { source: 's3.amazonaws.com', name: 'GetBucketLogging', readOnly: true, weight: 4, callers: READERS, build: bucketEvent('logging') },
  { source: 's3.amazonaws.com', name: 'GetBucketLifecycle', readOnly: true, weight: 4, callers: READERS, build: bucketEvent('lifecycle'), errors: [{ code: 'NoSuchLifecycleConfiguration', p: 0.35, message: () => 'The lifecycle configuration does not exist' }] },
  { source: 's3.amazonaws.com', name: 'PutBucketTagging', readOnly: false, weight: 0.5, callers: DEPLOYERS, build: bucketEvent('tagging') },
  {
    source: 's3.amazonaws.com', name: 'PutBucketPolicy', readOnly: false, weight: 0.3, callers: DEPLOYERS,
    build: (c) => {
      const out = bucketEvent('policy')(c);
      const name = out.resources![0]!.ARN.slice('arn:aws:s3:::'.length);
      const statement = { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
      return { ...out, req: { ...out.req, bucketPolicy: { Version: '2012-10-17', Statement: [statement] } } };
    },
  },
  // --- S3 data events (≈5 % of all events) ------------------------------------------------------
  { source: 's3.amazonaws.com', name: 'GetObject', readOnly: true, weight: 48, data: true, callers: [['lambda', 4], ['ecs', 3], ['instance', 2], ['automation', 1], ['human', 0.5]], build: objectEvent(false), errors: [{ code: 'NoSuchKey', p: 0.03, message: () => 'The specified key does not exist.' }] },
  { source: 's3.amazonaws.com', name: 'PutObject', readOnly: false, weight: 20, data: true, callers: [['lambda', 4], ['ecs', 3], ['instance', 1], ['automation', 2]], build: objectEvent(true) },
  { source: 's3.amazonaws.com', name: 'DeleteObject', readOnly: false, weight: 1.5, data: true, callers: [['lambda', 2], ['automation', 1]], build: (c) => { const b = objectEvent(false)(c); return { ...b, resp: null }; } },
  // --- IAM (global) -----------------------------------------------------------------------------
  { source: 'iam.amazonaws.com', name: 'GetRole', readOnly: true, weight: 14, global: true, callers: READERS, build: (c) => ({ req: { roleName: pickRole(c).name }, resp: null }), errors: [{ code: 'NoSuchEntityException', p: 0.02, message: () => 'The role with name legacy-app-role cannot be found.' }] },
  { source: 'iam.amazonaws.com', name: 'ListRoles', readOnly: true, weight: 7, global: true, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'GetUser', readOnly: true, weight: 5, global: true, callers: READERS, build: (c) => ({ req: c.rng.chance(0.3) ? null : { userName: pickUser(c).name }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListUsers', readOnly: true, weight: 5, global: true, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListAttachedRolePolicies', readOnly: true, weight: 7, global: true, callers: READERS, build: (c) => ({ req: { roleName: pickRole(c).name }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListRolePolicies', readOnly: true, weight: 4, global: true, callers: READERS, build: (c) => ({ req: { roleName: pickRole(c).name }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'GetPolicy', readOnly: true, weight: 5, global: true, callers: READERS, build: (c) => ({ req: { policyArn: c.rng.pick(c.acct.policies) }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'GetPolicyVersion', readOnly: true, weight: 5, global: true, callers: READERS, build: (c) => ({ req: { policyArn: c.rng.pick(c.acct.policies), versionId: `v${c.rng.int(1, 6)}` }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListPolicies', readOnly: true, weight: 3, global: true, callers: READERS, build: () => ({ req: { scope: 'Local', onlyAttached: false }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListAccessKeys', readOnly: true, weight: 3, global: true, callers: READERS, build: (c) => ({ req: { userName: pickUser(c).name }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'ListMFADevices', readOnly: true, weight: 2, global: true, callers: READERS, build: (c) => ({ req: { userName: pickUser(c).name }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'GetAccountSummary', readOnly: true, weight: 2, global: true, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'GetAccountPasswordPolicy', readOnly: true, weight: 1, global: true, callers: READERS, build: () => ({ req: null, resp: null }), errors: [{ code: 'NoSuchEntityException', p: 0.5, message: (c) => `The Password Policy with domain name ${c.acct.id} cannot be found.` }] },
  { source: 'iam.amazonaws.com', name: 'CreateUser', readOnly: false, weight: 0.15, global: true, callers: DEPLOYERS, build: (c) => { const name = `svc-${c.rng.pick(['etl', 'reporting', 'vendor', 'migration'])}-${c.rng.int(1, 99)}`; return { req: { userName: name, tags: [{ key: 'owner', value: 'platform' }] }, resp: iamUserResp(c, name) }; } },
  { source: 'iam.amazonaws.com', name: 'CreateAccessKey', readOnly: false, weight: 0.15, global: true, callers: DEPLOYERS, build: (c) => { const u = pickUser(c).name; return { req: { userName: u }, resp: { accessKey: { userName: u, accessKeyId: `AKIA${c.rng.keyChars(16)}`, status: 'Active', createDate: awsDate(c.t) } } }; } },
  { source: 'iam.amazonaws.com', name: 'DeleteAccessKey', readOnly: false, weight: 0.1, global: true, callers: DEPLOYERS, build: (c) => { const u = pickUser(c); return { req: { userName: u.name, accessKeyId: u.accessKeys[0] ?? `AKIA${c.rng.keyChars(16)}` }, resp: null }; } },
  { source: 'iam.amazonaws.com', name: 'AttachRolePolicy', readOnly: false, weight: 0.3, global: true, callers: DEPLOYERS, build: (c) => ({ req: { roleName: pickRole(c).name, policyArn: c.rng.pick(c.acct.policies) }, resp: null }) },
  { source: 'iam.amazonaws.com', name: 'PutRolePolicy', readOnly: false, weight: 0.3, global: true, callers: DEPLOYERS, build: (c) => ({ req: { roleName: pickRole(c).name, policyName: 'inline-s3-read', policyDocument: POLICY_DOC }, resp: null }) },
  {
    source: 'iam.amazonaws.com', name: 'CreateRole', readOnly: false, weight: 0.2, global: true, callers: DEPLOYERS,
    build: (c) => { const name = `${c.rng.pick(['etl', 'reporting', 'webhook'])}-lambda-role-${c.rng.hex(6)}`; return { req: { roleName: name, path: '/service-role/', assumeRolePolicyDocument: TRUST_DOC }, resp: { role: { path: '/service-role/', roleName: name, roleId: `AROA${c.rng.keyChars(17)}`, arn: `arn:aws:iam::${c.acct.id}:role/service-role/${name}`, createDate: awsDate(c.t), assumeRolePolicyDocument: encodeURIComponent(TRUST_DOC) } } }; },
  },
  { source: 'iam.amazonaws.com', name: 'TagRole', readOnly: false, weight: 0.2, global: true, callers: DEPLOYERS, build: (c) => ({ req: { roleName: pickRole(c).name, tags: [{ key: 'managed-by', value: 'terraform' }] }, resp: null }) },
  // --- SSM (agent heartbeats are a large share of writes) ---------------------------------------
  {
    source: 'ssm.amazonaws.com', name: 'UpdateInstanceInformation', readOnly: false, weight: 95, callers: [['instance', 1]],
    build: (c) => {
      const i = instanceOf(c);
      return { req: { instanceId: i.id, agentVersion: '3.3.987.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023', iPAddress: i.privateIp, computerName: `ip-${i.privateIp.replace(/\./g, '-')}.ec2.internal`, agentName: 'amazon-ssm-agent', availabilityZone: i.subnet.az, availabilityZoneId: i.subnet.azId, sSMConnectionChannel: 'ssmmessages' }, resp: null };
    },
  },
  {
    source: 'ssm.amazonaws.com', name: 'UpdateInstanceAssociationStatus', readOnly: false, weight: 22, callers: [['instance', 1]],
    build: (c) => { const i = instanceOf(c); const a = c.rng.uuid(); return { req: { associationId: a, instanceId: i.id, executionResult: { status: 'Success', errorCode: '', executionDate: awsDate(c.t), executionSummary: '1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. ', outputUrl: {} } }, resp: { instanceAssociationStatusInfos: [{ associationId: a, instanceId: i.id, status: 'Success' }] } }; },
  },
  { source: 'ssm.amazonaws.com', name: 'ListInstanceAssociations', readOnly: true, weight: 20, callers: [['instance', 1]], build: (c) => ({ req: { instanceId: instanceOf(c).id, maxResults: 20 }, resp: null }) },
  { source: 'ssm.amazonaws.com', name: 'PutInventory', readOnly: false, weight: 10, callers: [['instance', 1]], build: (c) => ({ req: { instanceId: instanceOf(c).id, items: [{ typeName: 'AWS:InstanceInformation', schemaVersion: '1.0', captureTime: isoSeconds(c.t), contentHash: noise(c, 43) + '=' }] }, resp: null }) },
  { source: 'ssm.amazonaws.com', name: 'GetParameter', readOnly: true, weight: 14, callers: WORKLOADS, build: (c) => ({ req: { name: c.rng.pick(c.pool.params), withDecryption: c.rng.chance(0.6) }, resp: null }), errors: [{ code: 'ParameterNotFound', p: 0.02, message: () => '' }] },
  { source: 'ssm.amazonaws.com', name: 'GetParameters', readOnly: true, weight: 6, callers: WORKLOADS, build: (c) => ({ req: { names: [c.rng.pick(c.pool.params), c.rng.pick(c.pool.params)], withDecryption: true }, resp: null }) },
  { source: 'ssm.amazonaws.com', name: 'GetParametersByPath', readOnly: true, weight: 3, callers: WORKLOADS, build: (c) => ({ req: { path: c.rng.pick(c.pool.params).replace(/[^/]+$/, ''), recursive: true, withDecryption: true }, resp: null }) },
  { source: 'ssm.amazonaws.com', name: 'DescribeInstanceInformation', readOnly: true, weight: 5, callers: READERS, build: () => ({ req: { maxResults: 50 }, resp: null }) },
  { source: 'ssm.amazonaws.com', name: 'PutParameter', readOnly: false, weight: 0.3, callers: DEPLOYERS, build: (c) => ({ req: { name: c.rng.pick(c.pool.params), type: 'SecureString', overwrite: true, tier: 'Standard' }, resp: { version: c.rng.int(2, 40), tier: 'Standard' } }) },
  // --- CloudWatch Logs --------------------------------------------------------------------------
  {
    source: 'logs.amazonaws.com', name: 'CreateLogStream', readOnly: false, weight: 72, callers: [['lambda', 5], ['ecs', 2]],
    build: (c) => {
      const group = c.caller.principal?.cls === 'lambda' ? `/aws/lambda/${c.caller.name}` : c.rng.pick(c.pool.logGroups);
      const d = new Date(c.t);
      const stream = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/[$LATEST]${c.rng.hex(32)}`;
      return { req: { logGroupName: group, logStreamName: stream }, resp: null };
    },
    errors: [{ code: 'ResourceAlreadyExistsException', p: 0.01, message: () => 'The specified log stream already exists' }],
  },
  { source: 'logs.amazonaws.com', name: 'DescribeLogGroups', readOnly: true, weight: 7, callers: READERS, build: (c) => ({ req: c.rng.chance(0.5) ? { logGroupNamePrefix: '/aws/lambda/' } : null, resp: null }) },
  { source: 'logs.amazonaws.com', name: 'DescribeLogStreams', readOnly: true, weight: 6, callers: READERS, build: (c) => ({ req: { logGroupName: c.rng.pick(c.pool.logGroups), orderBy: 'LastEventTime', descending: true, limit: 50 }, resp: null }) },
  { source: 'logs.amazonaws.com', name: 'CreateLogGroup', readOnly: false, weight: 1, callers: [['lambda', 1]], build: (c) => ({ req: { logGroupName: c.rng.pick(c.pool.logGroups) }, resp: null }), errors: [{ code: 'ResourceAlreadyExistsException', p: 0.5, message: () => 'The specified log group already exists' }] },
  { source: 'logs.amazonaws.com', name: 'PutRetentionPolicy', readOnly: false, weight: 0.3, callers: DEPLOYERS, build: (c) => ({ req: { logGroupName: c.rng.pick(c.pool.logGroups), retentionInDays: c.rng.pick([14, 30, 90, 365]) }, resp: null }) },
  // --- CloudWatch (monitoring) -------------------------------------------------------------------
  { source: 'monitoring.amazonaws.com', name: 'DescribeAlarms', readOnly: true, weight: 9, callers: READERS, build: (c) => { const req: JsonObject = c.rng.chance(0.5) ? { alarmNames: [c.rng.pick(c.pool.alarms)] } : { maxRecords: 100 }; return { req, resp: null }; } },
  {
    source: 'monitoring.amazonaws.com', name: 'GetMetricData', readOnly: true, weight: 8, callers: [['automation', 1], ['human', 0.3]],
    build: (c) => ({ req: { metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'InstanceId', value: inst(c) }] }, period: 300, stat: 'Average' }, returnData: true }], startTime: awsDate(c.t - 3_600_000), endTime: awsDate(c.t) }, resp: null }),
  },
  { source: 'monitoring.amazonaws.com', name: 'ListMetrics', readOnly: true, weight: 4, callers: [['automation', 1]], build: (c) => ({ req: { namespace: c.rng.pick(['AWS/EC2', 'AWS/Lambda', 'AWS/RDS', 'AWS/ApplicationELB', 'AWS/SQS']) }, resp: null }) },
  { source: 'monitoring.amazonaws.com', name: 'PutMetricAlarm', readOnly: false, weight: 0.3, callers: DEPLOYERS, build: (c) => ({ req: { alarmName: c.rng.pick(c.pool.alarms), metricName: 'CPUUtilization', namespace: 'AWS/EC2', statistic: 'Average', period: 300, evaluationPeriods: 3, threshold: 80, comparisonOperator: 'GreaterThanThreshold', alarmActions: [c.pool.topics[0]!] }, resp: null }) },
  // --- Lambda -----------------------------------------------------------------------------------
  { source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', readOnly: true, weight: 7, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'lambda.amazonaws.com', name: 'GetFunction20150331v2', readOnly: true, weight: 5, callers: READERS, build: (c) => ({ req: { functionName: fn(c) }, resp: null }), errors: [{ code: 'ResourceNotFoundException', p: 0.02, message: (c) => `Function not found: arn:aws:lambda:${c.region}:${c.acct.id}:function:legacy-cron` }] },
  { source: 'lambda.amazonaws.com', name: 'GetFunctionConfiguration20150331v2', readOnly: true, weight: 4, callers: READERS, build: (c) => ({ req: { functionName: fn(c) }, resp: null }) },
  { source: 'lambda.amazonaws.com', name: 'ListEventSourceMappings20150331', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { functionName: fn(c) }, resp: null }) },
  { source: 'lambda.amazonaws.com', name: 'GetPolicy20150331v2', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { functionName: fn(c) }, resp: null }), errors: [{ code: 'ResourceNotFoundException', p: 0.3, message: () => 'The resource you requested does not exist.' }] },
  { source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', readOnly: false, weight: 0.6, callers: DEPLOYERS, build: (c) => { const f = c.rng.pick(c.pool.functions); return { req: { functionName: f.name, publish: false, dryRun: false, s3Bucket: `cdk-hnb659fds-assets-${c.acct.id}-${c.region}`, s3Key: `${c.rng.hex(64)}.zip` }, resp: lambdaFnConfig(c, f.name, f.runtime, f.role) }; } },
  { source: 'lambda.amazonaws.com', name: 'UpdateFunctionConfiguration20150331v2', readOnly: false, weight: 0.3, callers: DEPLOYERS, build: (c) => { const f = c.rng.pick(c.pool.functions); return { req: { functionName: f.name, timeout: 60, memorySize: 512 }, resp: lambdaFnConfig(c, f.name, f.runtime, f.role) }; } },
  { source: 'lambda.amazonaws.com', name: 'AddPermission20150331v2', readOnly: false, weight: 0.15, callers: DEPLOYERS, build: (c) => { const f = fn(c); const sid = `s3-invoke-${c.rng.hex(8)}`; return { req: { functionName: f, statementId: sid, action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com', sourceArn: `arn:aws:s3:::${bucket(c)}` }, resp: { statement: JSON.stringify({ Sid: sid, Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:${c.region}:${c.acct.id}:function:${f}` }) } }; } },
  // --- CloudTrail -------------------------------------------------------------------------------
  { source: 'cloudtrail.amazonaws.com', name: 'DescribeTrails', readOnly: true, weight: 6, callers: READERS, build: () => ({ req: { trailNameList: [], includeShadowTrails: true }, resp: null }) },
  { source: 'cloudtrail.amazonaws.com', name: 'GetTrailStatus', readOnly: true, weight: 5, callers: READERS, build: (c) => ({ req: { name: c.rng.pick(c.acct.trails) }, resp: null }) },
  { source: 'cloudtrail.amazonaws.com', name: 'GetEventSelectors', readOnly: true, weight: 3, callers: READERS, build: (c) => ({ req: { trailName: c.rng.pick(c.acct.trails) }, resp: null }) },
  { source: 'cloudtrail.amazonaws.com', name: 'GetInsightSelectors', readOnly: true, weight: 1.5, callers: READERS, build: (c) => ({ req: { trailName: c.rng.pick(c.acct.trails) }, resp: null }), errors: [{ code: 'InsightNotEnabledException', p: 0.6, message: (c) => `Trail ${c.acct.trails[0]!.split('/')[1]!} does not have Insights enabled.` }] },
  { source: 'cloudtrail.amazonaws.com', name: 'ListTrails', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: null, resp: null }) },
  {
    source: 'cloudtrail.amazonaws.com', name: 'LookupEvents', readOnly: true, weight: 3, callers: [['human', 2], ['automation', 1]],
    build: (c) => ({ req: { maxResults: 50, lookupAttributes: [{ attributeKey: 'EventName', attributeValue: c.rng.pick(['ConsoleLogin', 'RunInstances', 'DeleteBucket', 'CreateUser']) }], startTime: awsDate(c.t - 86_400_000), endTime: awsDate(c.t) }, resp: null }),
  },
  { source: 'cloudtrail.amazonaws.com', name: 'StopLogging', readOnly: false, weight: 0.03, callers: [['human', 1]], build: (c) => ({ req: { name: c.rng.pick(c.acct.trails) }, resp: null }) },
  { source: 'cloudtrail.amazonaws.com', name: 'StartLogging', readOnly: false, weight: 0.04, callers: [['human', 1]], build: (c) => ({ req: { name: c.rng.pick(c.acct.trails) }, resp: null }) },
  { source: 'cloudtrail.amazonaws.com', name: 'PutEventSelectors', readOnly: false, weight: 0.05, callers: DEPLOYERS, build: (c) => ({ req: { trailName: c.rng.pick(c.acct.trails), eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::${bucket(c)}/`] }], excludeManagementEventSources: [] }] }, resp: { trailARN: c.acct.trails[1]!, eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::${bucket(c)}/`] }], excludeManagementEventSources: [] }] } }) },
  // --- Secrets Manager --------------------------------------------------------------------------
  { source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', readOnly: true, weight: 9, callers: WORKLOADS, build: (c) => ({ req: { secretId: c.rng.chance(0.5) ? c.rng.pick(c.pool.secrets) : `arn:aws:secretsmanager:${c.region}:${c.acct.id}:secret:${c.rng.pick(c.pool.secrets)}-${c.rng.alnum(6)}` }, resp: null }), errors: [{ code: 'ResourceNotFoundException', p: 0.01, message: () => "Secrets Manager can't find the specified secret." }] },
  { source: 'secretsmanager.amazonaws.com', name: 'DescribeSecret', readOnly: true, weight: 3, callers: READERS, build: (c) => ({ req: { secretId: c.rng.pick(c.pool.secrets) }, resp: null }) },
  { source: 'secretsmanager.amazonaws.com', name: 'ListSecrets', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'secretsmanager.amazonaws.com', name: 'PutSecretValue', readOnly: false, weight: 0.1, callers: [['lambda', 1]], build: (c) => { const s = c.rng.pick(c.pool.secrets); const v = c.rng.uuid(); return { req: { secretId: s, clientRequestToken: v }, resp: { arn: `arn:aws:secretsmanager:${c.region}:${c.acct.id}:secret:${s}-${c.rng.alnum(6)}`, name: s, versionId: v, versionStages: ['AWSPENDING'] } }; } },
  // --- DynamoDB (control plane) -----------------------------------------------------------------
  { source: 'dynamodb.amazonaws.com', name: 'DescribeTable', readOnly: true, weight: 7, callers: [...READERS, ['lambda', 3]], build: (c) => ({ req: { tableName: c.rng.pick(c.pool.tables) }, resp: null }) },
  { source: 'dynamodb.amazonaws.com', name: 'ListTables', readOnly: true, weight: 3, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'dynamodb.amazonaws.com', name: 'DescribeTimeToLive', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { tableName: c.rng.pick(c.pool.tables) }, resp: null }) },
  { source: 'dynamodb.amazonaws.com', name: 'DescribeContinuousBackups', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { tableName: c.rng.pick(c.pool.tables) }, resp: null }) },
  // --- ELB, Auto Scaling, RDS, ECR, ECS ---------------------------------------------------------
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeLoadBalancers', readOnly: true, weight: 5, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeTargetHealth', readOnly: true, weight: 6, callers: [...READERS, ['ecs', 2]], build: (c) => ({ req: { targetGroupArn: c.rng.pick(c.pool.targetGroups) }, resp: null }) },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeTargetGroups', readOnly: true, weight: 3, callers: READERS, build: (c) => ({ req: { loadBalancerArn: c.rng.pick(c.pool.loadBalancers) }, resp: null }) },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'RegisterTargets', readOnly: false, weight: 4, callers: [['svc:ecs.amazonaws.com', 1], ['svc:autoscaling.amazonaws.com', 1]], build: (c) => ({ req: { targetGroupArn: c.rng.pick(c.pool.targetGroups), targets: [{ id: inst(c), port: 8080 }] }, resp: null }) },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DeregisterTargets', readOnly: false, weight: 4, callers: [['svc:ecs.amazonaws.com', 1], ['svc:autoscaling.amazonaws.com', 1]], build: (c) => ({ req: { targetGroupArn: c.rng.pick(c.pool.targetGroups), targets: [{ id: inst(c), port: 8080 }] }, resp: null }) },
  { source: 'autoscaling.amazonaws.com', name: 'DescribeAutoScalingGroups', readOnly: true, weight: 6, callers: [...READERS, ['instance', 1]], build: (c) => ({ req: c.rng.chance(0.5) ? { autoScalingGroupNames: [c.rng.pick(c.pool.asgs)] } : null, resp: null }) },
  { source: 'autoscaling.amazonaws.com', name: 'UpdateAutoScalingGroup', readOnly: false, weight: 0.5, callers: DEPLOYERS, build: (c) => ({ req: { autoScalingGroupName: c.rng.pick(c.pool.asgs), desiredCapacity: c.rng.int(2, 12) }, resp: null }) },
  { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', readOnly: true, weight: 5, callers: READERS, build: (c) => ({ req: c.rng.chance(0.5) ? { dBInstanceIdentifier: c.rng.pick(c.pool.dbInstances) } : null, resp: null }) },
  { source: 'rds.amazonaws.com', name: 'DescribeDBClusters', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: { includeShared: false }, resp: null }) },
  { source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', readOnly: true, weight: 8, callers: [['instance', 2], ['ecs', 2], ['automation', 1]], build: () => ({ req: null, resp: null }) },
  { source: 'ecr.amazonaws.com', name: 'BatchGetImage', readOnly: true, weight: 3, callers: [['instance', 1], ['ecs', 1]], build: (c) => ({ req: { repositoryName: c.rng.pick(c.pool.repos), imageIds: [{ imageTag: c.rng.pick(['latest', 'v1.42.0', `sha-${c.rng.hex(7)}`]) }], acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'] }, resp: null }) },
  { source: 'ecr.amazonaws.com', name: 'DescribeRepositories', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'ecs.amazonaws.com', name: 'DiscoverPollEndpoint', readOnly: true, weight: 8, callers: [['instance', 1]], build: (c) => ({ req: { containerInstance: `arn:aws:ecs:${c.region}:${c.acct.id}:container-instance/${c.pool.clusters[0]!}/${c.rng.hex(32)}`, cluster: c.pool.clusters[0]! }, resp: null }) },
  { source: 'ecs.amazonaws.com', name: 'DescribeServices', readOnly: true, weight: 4, callers: READERS, build: (c) => ({ req: { cluster: c.rng.pick(c.pool.clusters), services: [c.rng.pick(c.pool.ecsServices)] }, resp: null }) },
  { source: 'ecs.amazonaws.com', name: 'ListTasks', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { cluster: c.rng.pick(c.pool.clusters), serviceName: c.rng.pick(c.pool.ecsServices) }, resp: null }) },
  {
    source: 'ecs.amazonaws.com', name: 'SubmitTaskStateChange', readOnly: false, weight: 12, callers: [['instance', 1]],
    build: (c) => ({ req: { cluster: c.pool.clusters[0]!, task: `arn:aws:ecs:${c.region}:${c.acct.id}:task/${c.pool.clusters[0]!}/${c.rng.hex(32)}`, status: c.rng.pick(['RUNNING', 'STOPPED']), pullStartedAt: awsDate(c.t - 20_000), pullStoppedAt: awsDate(c.t - 8_000) }, resp: { acknowledgment: 'ACK' } }),
  },
  {
    source: 'ecs.amazonaws.com', name: 'SubmitContainerStateChange', readOnly: false, weight: 8, callers: [['instance', 1]],
    build: (c) => ({ req: { cluster: c.pool.clusters[0]!, task: `arn:aws:ecs:${c.region}:${c.acct.id}:task/${c.pool.clusters[0]!}/${c.rng.hex(32)}`, containerName: c.rng.pick(c.pool.ecsServices), runtimeId: c.rng.hex(64), status: 'RUNNING', networkBindings: [] }, resp: { acknowledgment: 'ACK' } }),
  },
  // --- Config rules -----------------------------------------------------------------------------
  {
    source: 'config.amazonaws.com', name: 'PutEvaluations', readOnly: false, weight: 24, callers: [['lambda', 1]],
    build: (c) => ({ req: { evaluations: [{ complianceResourceType: 'AWS::S3::Bucket', complianceResourceId: bucket(c), complianceType: c.rng.chance(0.9) ? 'COMPLIANT' : 'NON_COMPLIANT', orderingTimestamp: awsDate(c.t - 60_000) }], resultToken: noise(c, 520), testMode: false }, resp: { failedEvaluations: [] } }),
  },
  // --- Sign-in, CloudFormation, Route 53, Health, SNS, SQS ----------------------------------------
  { source: 'signin.amazonaws.com', name: 'ConsoleLogin', readOnly: false, weight: 4, global: true, signin: true, callers: [['human', 1]], build: () => ({ req: null, resp: { ConsoleLogin: 'Success' } }) },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', readOnly: true, weight: 5, callers: [...DEPLOYERS, ['config', 1]], build: (c) => ({ req: c.rng.chance(0.6) ? { stackName: c.rng.pick(c.pool.stacks) } : null, resp: null }) },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStackEvents', readOnly: true, weight: 2, callers: DEPLOYERS, build: (c) => ({ req: { stackName: c.rng.pick(c.pool.stacks) }, resp: null }) },
  { source: 'cloudformation.amazonaws.com', name: 'GetTemplate', readOnly: true, weight: 1, callers: DEPLOYERS, build: (c) => ({ req: { stackName: c.rng.pick(c.pool.stacks), templateStage: 'Original' }, resp: null }) },
  { source: 'route53.amazonaws.com', name: 'ListHostedZones', readOnly: true, weight: 2, global: true, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'route53.amazonaws.com', name: 'ListResourceRecordSets', readOnly: true, weight: 2, global: true, callers: READERS, build: (c) => ({ req: { hostedZoneId: c.rng.pick(c.acct.hostedZones) }, resp: null }) },
  { source: 'health.amazonaws.com', name: 'DescribeEventAggregates', readOnly: true, weight: 2, global: true, callers: [['automation', 1]], build: () => ({ req: { aggregateField: 'eventTypeCategory', filter: { eventStatusCodes: ['open', 'upcoming'] } }, resp: null }) },
  { source: 'sns.amazonaws.com', name: 'ListTopics', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: null, resp: null }) },
  { source: 'sns.amazonaws.com', name: 'GetTopicAttributes', readOnly: true, weight: 2, callers: READERS, build: (c) => ({ req: { topicArn: c.rng.pick(c.pool.topics) }, resp: null }) },
  { source: 'sqs.amazonaws.com', name: 'GetQueueAttributes', readOnly: true, weight: 4, callers: [...READERS, ['lambda', 2]], build: (c) => ({ req: { queueUrl: c.rng.pick(c.pool.queues), attributeNames: ['All'] }, resp: null }) },
  { source: 'sqs.amazonaws.com', name: 'ListQueues', readOnly: true, weight: 2, callers: READERS, build: () => ({ req: null, resp: null }) },
];

/** `DescribeInstances` → `describe-instances`; Lambda's dated names lose their suffix. */
export function cliCommand(def: EventDef): string {
  const op = def.name.replace(/\d{8}(v\d)?$/, '');
  return `${SERVICES[def.source]!.cli}.${op.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}
