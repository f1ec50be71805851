import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionThreadOptions } from './function-thread';
import { functionAccessKeyId, LOCAL_SECRET } from './local-credentials';
import { resolveIntrinsics, type ResourceIndex } from './provision';
import type { LocalFunction } from './serverless-config';
import { PROJECT_ROOT } from './project-root';

interface LocalEndpoints {
  region: string;
  sqs: string;
  dynamodb: string;
  sns: string;
  s3: string;
}

export interface EnvironmentSources {
  provider: Record<string, unknown>;
  index: ResourceIndex;
  endpoints: LocalEndpoints;
  /** The shell's or a test's settings, for every function. */
  extra: Record<string, string>;
  /** Filled with the secrets the SSM stand-in is to serve: parameter name -> value. */
  parameters: Record<string, string>;
}

/** The settings that are secrets: some function reads them from the SSM parameter named by `<NAME>_PARAMETER`. */
export function secretSettings(functions: LocalFunction[]): Set<string> {
  return new Set(
    functions.flatMap((fn) =>
      Object.keys(fn.environment)
        .filter((k) => k.endsWith('_PARAMETER'))
        .map((k) => k.slice(0, -'_PARAMETER'.length)),
    ),
  );
}

/**
 * One function's environment as Lambda would give it: the provider's and the function's variables from
 * serverless.yml, its own credentials (access key id `local-<name>`, so each request it signs names it, as its
 * execution role would) and the local endpoints (SSM's is added once its stand-in knows the secrets). The extra
 * settings are added, except secrets: one whose `<NAME>_PARAMETER` this function names goes to the SSM stand-in
 * under that parameter's name, so the function reads it the way it does deployed; another function's secret is
 * left out.
 */
export function functionEnvironment(
  fn: LocalFunction,
  sources: EnvironmentSources,
  secrets: Set<string>,
): Record<string, string> {
  const { endpoints } = sources;
  const env: Record<string, string> = {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: functionAccessKeyId(fn.name),
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    // The S3 emulator answers path-style requests only (http://127.0.0.1:<port>/<bucket>/<key>); deployed, the SDK's
    // default (virtual-hosted, the regional endpoint) applies: lib/aws/s3.ts reads this, and it is never set there.
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    // The stand-in recording servers listen on http://127.0.0.1: the copier refuses any other non-https or private
    // address, as deployed (where this is never set). A test sets it to 'false' to see loopback refused too.
    RECORDINGS_ALLOW_LOOPBACK: 'true',
    // Likewise the destinations (functions/deliver.ts): a receiver on http://127.0.0.1 (the `destinations` param's
    // check and the SSRF guard let loopback through only with it; never set deployed).
    DESTINATIONS_ALLOW_LOOPBACK: 'true',
    // Lambda runs the functions on Node 22, where the SDK has nothing to warn about; the stack's own process still
    // warns once when this machine's Node is older.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const source of [sources.provider, fn.environment]) {
    for (const [name, value] of Object.entries(resolveIntrinsics(source, sources.index) as Record<string, unknown>))
      env[name] = String(value);
  }
  for (const [name, value] of Object.entries(sources.extra)) {
    if (value === '') continue;
    const parameter = env[`${name}_PARAMETER`];
    if (parameter) sources.parameters[parameter] = value;
    else if (!secrets.has(name)) env[name] = value;
  }
  return env;
}

export const moduleUrl = (fn: LocalFunction) => pathToFileURL(join(PROJECT_ROOT, `${fn.module}.ts`)).href;

/** How a function's thread is started: its module, its environment and, for the worker, its SQS event source mapping. */
export function threadOptions(
  fn: LocalFunction,
  env: Record<string, string>,
  index: ResourceIndex,
  source: { sqsEndpoint: string; batchWindowMs?: number; timeoutMs?: number },
): FunctionThreadOptions {
  const queue = fn.sqs && index[fn.sqs.queueLogicalId]!;
  return {
    name: fn.name,
    moduleUrl: moduleUrl(fn),
    exportName: fn.exportName,
    timeoutMs: (fn.sqs && source.timeoutMs) || fn.timeoutSeconds * 1000,
    env,
    ...(fn.sqs &&
      queue && {
        eventSource: {
          sqsEndpoint: source.sqsEndpoint,
          queueUrl: queue.ref,
          queueArn: queue.attributes.Arn!,
          batchSize: fn.sqs.batchSize,
          batchWindowMs: source.batchWindowMs ?? fn.sqs.batchWindowSeconds * 1000,
          concurrency: fn.sqs.maximumConcurrency,
          reportBatchItemFailures: fn.sqs.reportBatchItemFailures,
          timeoutMs: source.timeoutMs ?? fn.timeoutSeconds * 1000,
        },
      }),
  };
}
