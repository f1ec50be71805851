import { runSimulation } from '@cloud-copilot/iam-simulate';
import { unnamedBucketName } from '../../local/provision';
import type { Packaged } from './package-template';

/**
 * The IAM side of the parity check: each function's role as the packaged template declares it (intrinsics resolved
 * for one account and region), and a real policy engine (@cloud-copilot/iam-simulate, AGPL-3.0: a devDependency
 * used by this test only, never bundled) deciding whether that role allows a request.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

type Resources = Packaged['template']['Resources'];

export interface FunctionRole {
  role: string;
  policies: { name: string; policy: unknown }[];
}

/** Function name (serverless.yml's key, e.g. `worker`) -> its execution role and that role's inline policies. */
export function functionRoles(
  template: Packaged['template'],
  service: string,
  stage: string,
): Map<string, FunctionRole> {
  const resources = template.Resources;
  const roles = new Map<string, FunctionRole>();
  for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const name = String(fn.Properties.FunctionName).replace(`${service}-${stage}-`, '');
    const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0] as string;
    const role = resources[roleId]!;
    const policies = (role.Properties.Policies ?? []).map((p: any) => ({
      name: `${roleId}/${p.PolicyName}`,
      policy: resolve(p.PolicyDocument, resources, `${service}-${stage}`),
    }));
    roles.set(name, { role: roleId, policies });
  }
  return roles;
}

/** The partition key attribute of a table resource, for dynamodb:LeadingKeys. */
export function hashKeyOf(resources: Resources, tableName: string): string | undefined {
  const table = Object.values(resources).find(
    (r) => r.Type === 'AWS::DynamoDB::Table' && r.Properties.TableName === tableName,
  );
  return table?.Properties.KeySchema?.find((k: any) => k.KeyType === 'HASH')?.AttributeName;
}

export async function isAllowed(
  role: FunctionRole,
  action: string,
  resource: string,
  context: Record<string, string[]>,
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/${role.role}`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: role.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (result.resultType === 'error') return `error: ${JSON.stringify(result.errors)}`;
  return (result as { overallResult: string }).overallResult;
}

/**
 * Ref, Fn::GetAtt (Arn, QueueName, TopicArn, an event bus's Name) and Fn::Join over the template's own resources.
 * An unnamed bucket is named as the local stack names it (local/provision.ts), so that recorded calls on it match.
 */
function resolve(value: unknown, resources: Resources, stackName: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, resources, stackName));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, any>;
  if (typeof node.Ref === 'string') return ref(node.Ref, resources, stackName);
  if (Array.isArray(node['Fn::GetAtt']))
    return getAtt(node['Fn::GetAtt'][0], node['Fn::GetAtt'][1], resources, stackName);
  if (Array.isArray(node['Fn::Join']))
    return (resolve(node['Fn::Join'][1], resources, stackName) as unknown[]).join(node['Fn::Join'][0]);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, resources, stackName)]));
}

function ref(id: string, resources: Resources, stackName: string): string {
  if (id === 'AWS::Region') return REGION;
  if (id === 'AWS::AccountId') return ACCOUNT;
  if (id === 'AWS::Partition') return 'aws';
  const resource = resources[id];
  if (resource?.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${REGION}:${ACCOUNT}:${resource.Properties.TopicName}`;
  if (resource?.Type === 'AWS::DynamoDB::Table') return resource.Properties.TableName;
  if (resource?.Type === 'AWS::S3::Bucket') return resource.Properties.BucketName ?? unnamedBucketName(stackName, id);
  // An event bus's Ref is its name (its ARN is Fn::GetAtt Arn).
  if (resource?.Type === 'AWS::Events::EventBus') return resource.Properties.Name;
  throw new Error(`iam parity: cannot resolve Ref ${id}`);
}

function getAtt(id: string, attribute: string, resources: Resources, stackName: string): string {
  const resource = resources[id];
  if (resource?.Type === 'AWS::S3::Bucket' && attribute === 'Arn')
    return `arn:aws:s3:::${ref(id, resources, stackName)}`;
  if (resource?.Type === 'AWS::SQS::Queue' && attribute === 'Arn')
    return `arn:aws:sqs:${REGION}:${ACCOUNT}:${resource.Properties.QueueName}`;
  if (resource?.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn')
    return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${resource.Properties.TableName}`;
  if (resource?.Type === 'AWS::SNS::Topic' && attribute === 'TopicArn') return ref(id, resources, stackName);
  if (resource?.Type === 'AWS::Events::EventBus' && attribute === 'Arn')
    return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${resource.Properties.Name}`;
  if (resource?.Type === 'AWS::Events::EventBus' && attribute === 'Name') return resource.Properties.Name;
  throw new Error(`iam parity: cannot resolve Fn::GetAtt ${id}.${attribute}`);
}
