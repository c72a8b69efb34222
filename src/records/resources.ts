import type { CloudTrailRecord, LookupResource } from './types.js';

/**
 * Event history shows the resources a call touched, derived from its parameters and response
 * (records themselves carry `resources` only for some calls). This table maps well-known member
 * names to resource types; `sources` limits a name that means different things per service.
 */
interface ResourceRule {
  type: string;
  sources?: string[];
}

const RULES: Record<string, ResourceRule[]> = {
  instanceId: [{ type: 'AWS::EC2::Instance', sources: ['ec2.amazonaws.com', 'ssm.amazonaws.com'] }],
  groupId: [{ type: 'AWS::EC2::SecurityGroup', sources: ['ec2.amazonaws.com'] }],
  groupName: [
    { type: 'AWS::EC2::SecurityGroup', sources: ['ec2.amazonaws.com'] },
    { type: 'AWS::IAM::Group', sources: ['iam.amazonaws.com'] },
  ],
  vpcId: [{ type: 'AWS::EC2::VPC' }],
  subnetId: [{ type: 'AWS::EC2::Subnet' }],
  imageId: [{ type: 'AWS::EC2::Ami', sources: ['ec2.amazonaws.com'] }],
  keyName: [{ type: 'AWS::EC2::KeyPair', sources: ['ec2.amazonaws.com'] }],
  networkInterfaceId: [{ type: 'AWS::EC2::NetworkInterface' }],
  volumeId: [{ type: 'AWS::EC2::Volume' }],
  snapshotId: [{ type: 'AWS::EC2::Snapshot' }],
  internetGatewayId: [{ type: 'AWS::EC2::InternetGateway' }],
  routeTableId: [{ type: 'AWS::EC2::RouteTable' }],
  bucketName: [{ type: 'AWS::S3::Bucket' }],
  userName: [{ type: 'AWS::IAM::User', sources: ['iam.amazonaws.com'] }],
  roleName: [{ type: 'AWS::IAM::Role', sources: ['iam.amazonaws.com'] }],
  policyArn: [{ type: 'AWS::IAM::Policy', sources: ['iam.amazonaws.com'] }],
  roleArn: [{ type: 'AWS::IAM::Role', sources: ['sts.amazonaws.com'] }],
  instanceProfileName: [{ type: 'AWS::IAM::InstanceProfile' }],
  functionName: [{ type: 'AWS::Lambda::Function', sources: ['lambda.amazonaws.com'] }],
  tableName: [{ type: 'AWS::DynamoDB::Table', sources: ['dynamodb.amazonaws.com'] }],
  keyId: [{ type: 'AWS::KMS::Key', sources: ['kms.amazonaws.com'] }],
  queueUrl: [{ type: 'AWS::SQS::Queue', sources: ['sqs.amazonaws.com'] }],
  topicArn: [{ type: 'AWS::SNS::Topic', sources: ['sns.amazonaws.com'] }],
  trailName: [{ type: 'AWS::CloudTrail::Trail', sources: ['cloudtrail.amazonaws.com'] }],
  name: [{ type: 'AWS::CloudTrail::Trail', sources: ['cloudtrail.amazonaws.com'] }],
  dBInstanceIdentifier: [{ type: 'AWS::RDS::DBInstance', sources: ['rds.amazonaws.com'] }],
  logGroupName: [{ type: 'AWS::Logs::LogGroup', sources: ['logs.amazonaws.com'] }],
  stackName: [{ type: 'AWS::CloudFormation::Stack', sources: ['cloudformation.amazonaws.com'] }],
  secretId: [{ type: 'AWS::SecretsManager::Secret', sources: ['secretsmanager.amazonaws.com'] }],
};

const MAX_DEPTH = 6;
const MAX_RESOURCES = 64;

/** The resources LookupEvents lists for a record, sorted by type then name, without duplicates. */
export function lookupResources(record: CloudTrailRecord): LookupResource[] {
  const found = new Map<string, LookupResource>();
  const add = (type: string | undefined, name: string): void => {
    if (name === '' || found.size >= MAX_RESOURCES) return;
    found.set(`${type ?? ''}\u0000${name}`, type === undefined ? { name } : { type, name });
  };
  for (const resource of record.resources ?? []) {
    if (typeof resource?.ARN === 'string') add(typeof resource.type === 'string' ? resource.type : undefined, resource.ARN);
  }
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      if (typeof member === 'string') {
        // hasOwn: a member named like an Object.prototype property (`constructor`) is no rule.
        for (const rule of Object.hasOwn(RULES, key) ? RULES[key]! : []) {
          if (!rule.sources || rule.sources.includes(record.eventSource)) add(rule.type, member);
        }
      } else {
        visit(member, depth + 1);
      }
    }
  };
  // Describe/List parameters are filters, not resources acted on: AWS lists none for them.
  if (!(record.readOnly === true && /^(Describe|List)/.test(record.eventName))) {
    visit(record.requestParameters, 0);
    visit(record.responseElements, 0);
  }
  return [...found.values()].sort((a, b) => (a.type ?? '').localeCompare(b.type ?? '') || a.name.localeCompare(b.name));
}
