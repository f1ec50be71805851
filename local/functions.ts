import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveIntrinsics, type ResourceIndex } from './provision';
import type { LocalFunction } from './serverless-config';
import { PROJECT_ROOT } from './project-root';

export interface LocalEndpoints {
  region: string;
  sqs: string;
  dynamodb: string;
  sns: string;
}

/**
 * One function's environment as Lambda would give it: the provider's and the function's variables from
 * serverless.yml, its own credentials (access key id `local-<name>`, so each request it signs names it, as its
 * execution role would) and the local endpoints (SSM's is added once its stand-in knows the secrets). `extra` (the shell's or a test's settings) is added, except a
 * secret whose `<NAME>_PARAMETER` the function names: that one goes to the SSM stand-in under the parameter's
 * name (into `parameters`), so the function reads it the way it does deployed.
 */
export function functionEnvironment(
  fn: LocalFunction,
  provider: Record<string, unknown>,
  index: ResourceIndex,
  endpoints: LocalEndpoints,
  extra: Record<string, string>,
  parameters: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: `local-${fn.name}`,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
  };
  for (const source of [provider, fn.environment]) {
    for (const [name, value] of Object.entries(resolveIntrinsics(source, index) as Record<string, unknown>)) env[name] = String(value);
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === '') continue;
    const parameter = env[`${name}_PARAMETER`];
    if (parameter) parameters[parameter] = value;
    else env[name] = value;
  }
  return env;
}

export const moduleUrl = (fn: LocalFunction) => pathToFileURL(join(PROJECT_ROOT, `${fn.module}.ts`)).href;
