/** The stack a packaged template is resolved for: an account, a region, and the id API Gateway gave the HTTP API. */
export interface DeployedStack {
  accountId: string;
  region: string;
  apiId: string;
  stackName: string;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/**
 * What `Ref`, `Fn::GetAtt`, `Fn::Sub` and `Fn::Join` in a packaged template resolve to once CloudFormation created
 * its resources in `stack`: queue URLs `https://sqs.<region>.amazonaws.com/<account>/<QueueName>`, table names,
 * topic ARNs, event bus names and ARNs, the HTTP API's `https://<id>.execute-api.<region>.amazonaws.com`. A reference this does not know
 * throws, naming it, rather than letting a handler run with a made-up value.
 */
export function resolveCloudFormation(value: unknown, resources: Resources, stack: DeployedStack): unknown {
  const resolve = (v: unknown): unknown => resolveCloudFormation(v, resources, stack);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return refOf(node.Ref, resources, stack);
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
    return attributeOf(logicalId, attribute, resources, stack);
  }
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return (resolve(parts) as unknown[]).join(separator);
  }
  if (node['Fn::Sub'] !== undefined) {
    const [text, variables] = (Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'] : [node['Fn::Sub'], {}]) as [
      string,
      Record<string, unknown>,
    ];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_whole, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (Object.hasOwn(variables, name)) return String(resolve(variables[name]));
      const [logicalId, attribute] = name.split('.', 2) as [string, string | undefined];
      return String(
        attribute === undefined
          ? refOf(logicalId, resources, stack)
          : attributeOf(logicalId, attribute, resources, stack),
      );
    });
  }
  const intrinsic = Object.keys(node).find((key) => key.startsWith('Fn::'));
  if (intrinsic !== undefined) throw new Error(`resolveCloudFormation: ${intrinsic} is not supported`);
  return Object.fromEntries(Object.entries(node).map(([key, v]) => [key, resolve(v)]));
}

function refOf(name: string, resources: Resources, stack: DeployedStack): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': stack.accountId,
    'AWS::Region': stack.region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stack.stackName,
  };
  if (pseudo[name] !== undefined) return pseudo[name];
  const { Type, Properties = {} } = resourceOf(name, resources);
  switch (Type) {
    case 'AWS::SQS::Queue':
      return `https://sqs.${stack.region}.amazonaws.com/${stack.accountId}/${Properties.QueueName}`;
    case 'AWS::DynamoDB::Table':
      return String(Properties.TableName);
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${stack.region}:${stack.accountId}:${Properties.TopicName}`;
    case 'AWS::ApiGatewayV2::Api':
      return stack.apiId;
    case 'AWS::S3::Bucket':
      return bucketName(name, Properties, stack);
    // An event bus's Ref is its name: what PutEvents entries name it by (EventBusName).
    case 'AWS::Events::EventBus':
      return String(Properties.Name);
    default:
      throw new Error(`resolveCloudFormation: Ref of a ${Type} (${name}) is not supported`);
  }
}

function attributeOf(name: string, attribute: string, resources: Resources, stack: DeployedStack): string {
  const { Type, Properties = {} } = resourceOf(name, resources);
  const values: Record<string, Record<string, string>> = {
    'AWS::SQS::Queue': {
      Arn: `arn:aws:sqs:${stack.region}:${stack.accountId}:${Properties.QueueName}`,
      QueueName: String(Properties.QueueName),
      QueueUrl: refOf(name, resources, stack),
    },
    'AWS::DynamoDB::Table': {
      Arn: `arn:aws:dynamodb:${stack.region}:${stack.accountId}:table/${Properties.TableName}`,
    },
    'AWS::SNS::Topic': { TopicArn: refOf(name, resources, stack), TopicName: String(Properties.TopicName) },
    'AWS::S3::Bucket': {
      Arn: `arn:aws:s3:::${bucketName(name, Properties, stack)}`,
      DomainName: `${bucketName(name, Properties, stack)}.s3.amazonaws.com`,
      RegionalDomainName: `${bucketName(name, Properties, stack)}.s3.${stack.region}.amazonaws.com`,
    },
    'AWS::Events::EventBus': {
      Arn: `arn:aws:events:${stack.region}:${stack.accountId}:event-bus/${Properties.Name}`,
      Name: String(Properties.Name),
    },
    'AWS::ApiGatewayV2::Api': {
      ApiEndpoint: `https://${stack.apiId}.execute-api.${stack.region}.amazonaws.com`,
      ApiId: stack.apiId,
    },
  };
  const value = values[Type]?.[attribute];
  if (value === undefined)
    throw new Error(`resolveCloudFormation: Fn::GetAtt ${name}.${attribute} (a ${Type}) is not supported`);
  return value;
}

/** A bucket's name: its BucketName, or the one CloudFormation gives an unnamed one, `<stack>-<logical id>-<random>`. */
function bucketName(name: string, properties: Record<string, any>, stack: DeployedStack): string {
  return typeof properties.BucketName === 'string'
    ? properties.BucketName
    : `${stack.stackName}-${name}-1x2y3z4a5b6c7`.toLowerCase();
}

function resourceOf(name: string, resources: Resources) {
  const resource = resources[name];
  if (resource === undefined) throw new Error(`resolveCloudFormation: no resource ${name} in the template`);
  return resource;
}
