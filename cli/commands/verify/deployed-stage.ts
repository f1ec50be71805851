import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PROJECT_ROOT } from '../../../local/project-root';
import { loadServerlessConfig, type LocalFunction } from '../../../local/serverless-config';
import type { Target } from '../../target';
import { errorText } from './check';
import { optionalModule } from './optional-module';
import type { FunctionView, StageView } from './stage-view';

/**
 * A deployed stage: each function's environment and role from Lambda (GetFunctionConfiguration) when
 * @aws-sdk/client-lambda is installed, else serverless.yml's definition for that stage (what a deploy from this tree
 * gives it); the notifications topic from the CloudFormation stack's outputs. Credentials: the usual AWS chain.
 */
export async function deployedStageView(target: Target): Promise<StageView> {
  const { stage, region } = target;
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), stage, region);
  const [functions, topic] = await Promise.all([
    deployedFunctions(defs.service, stage, region, defs.functions),
    notificationsTopic(`${defs.service}-${stage}`, region),
  ]);
  return {
    stage,
    region,
    service: defs.service,
    local: false,
    functions: functions.views,
    environmentSource: functions.source,
    missingFunctions: functions.missing,
    ssm: { region },
    topicArn: topic.arn,
    ...(topic.unknownBecause !== undefined && { topicUnknownBecause: topic.unknownBecause }),
  };
}

/** Serverless names a function `<service>-<stage>-<name>`. */
const deployedFunctionName = (service: string, stage: string, name: string) => `${service}-${stage}-${name}`;

async function deployedFunctions(service: string, stage: string, region: string, defined: LocalFunction[]) {
  const fromTemplate = (fn: LocalFunction): FunctionView => ({ name: fn.name, env: plainStrings(fn.environment) });
  const lambda = await optionalModule(() => import('@aws-sdk/client-lambda'));
  if (lambda === undefined) {
    return {
      views: defined.map(fromTemplate),
      source: 'serverless.yml (@aws-sdk/client-lambda is not installed: the deployed configuration is not read)',
      missing: [] as string[],
    };
  }
  const client = new lambda.LambdaClient({ region });
  const missing: string[] = [];
  const unreadable: string[] = [];
  try {
    const views = await Promise.all(
      defined.map(async (fn): Promise<FunctionView> => {
        const functionName = deployedFunctionName(service, stage, fn.name);
        try {
          const config = await client.send(new lambda.GetFunctionConfigurationCommand({ FunctionName: functionName }));
          return {
            name: fn.name,
            env: config.Environment?.Variables ?? {},
            ...(config.Role !== undefined && { roleArn: config.Role }),
          };
        } catch (error) {
          if ((error as Error).name === 'ResourceNotFoundException') missing.push(functionName);
          else unreadable.push(`${functionName}: ${errorText(error)}`);
          return fromTemplate(fn);
        }
      }),
    );
    const source =
      unreadable.length === 0
        ? "the deployed functions' configuration (Lambda)"
        : `serverless.yml where Lambda's configuration was unreadable (${unreadable.join('; ')})`;
    return { views, source, missing };
  } finally {
    client.destroy();
  }
}

/** `serverless deploy` records the topic as the stack output `NotificationsTopicArn`. */
async function notificationsTopic(
  stackName: string,
  region: string,
): Promise<{ arn?: string; unknownBecause?: string }> {
  const cloudformation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const arn = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'NotificationsTopicArn')?.OutputValue;
    return arn ? { arn } : { unknownBecause: `stack ${stackName} has no NotificationsTopicArn output` };
  } catch (error) {
    return { unknownBecause: `could not describe stack ${stackName}: ${errorText(error)}` };
  } finally {
    cloudformation.destroy();
  }
}

/** serverless.yml's environment with its plain values (intrinsics such as `Ref` are left out: verify needs none of them). */
function plainStrings(environment: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).flatMap(([name, value]) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? [[name, String(value)]]
        : [],
    ),
  );
}
