import { randomBytes } from 'node:crypto';
import { resolveCloudFormation, type DeployedStack } from './cloudformation-values';

/** Temporary credentials of an execution role, as Lambda hands them to a function (an `ASIA...` key and a session token). */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export const sessionCredentials = (): SessionCredentials => ({
  accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString('base64'),
  sessionToken: randomBytes(48).toString('base64'),
});

/** A function of the packaged template: its logical id and its AWS::Lambda::Function properties. */
export interface PackagedFunction {
  logicalId: string;
  properties: {
    FunctionName: string;
    Handler: string;
    Runtime: string;
    MemorySize?: number;
    Timeout?: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

export interface SandboxPlaces {
  /** Where the bundle was unzipped (/var/task on Lambda). */
  taskRoot: string;
  /** An empty directory for HOME: no ~/.aws to read credentials or a profile from. */
  home: string;
  /** The test CA's certificate. */
  caFile: string;
}

/**
 * A function's whole environment as Lambda gives it: the template's `Environment.Variables` resolved as
 * CloudFormation resolves them for `stack`, then Lambda's own variables (region, the execution role's session
 * credentials, function name and memory, execution environment, task root, TZ). Nothing else: no
 * `AWS_ENDPOINT_URL*`, no AWS_PROFILE, no variable of the test's process. `deployParameters` replace variables the
 * template has (what a `--param` would have set at deploy, e.g. the SignalWire space URL); an unknown name throws.
 * `testOnly` adds variables no deploy sets, each named by the test that needs it (the copier's
 * RECORDINGS_ALLOW_LOOPBACK, the one way it may fetch from a recording server on this machine); one the template has
 * throws.
 */
export function lambdaEnvironment(
  fn: PackagedFunction,
  resources: Record<string, { Type: string; Properties?: Record<string, any> }>,
  stack: DeployedStack,
  credentials: SessionCredentials,
  places: SandboxPlaces,
  deployParameters: Record<string, string> = {},
  testOnly: Record<string, string> = {},
): Record<string, string> {
  const declared = resolveCloudFormation(fn.properties.Environment?.Variables ?? {}, resources, stack) as Record<
    string,
    unknown
  >;
  const variables = Object.fromEntries(Object.entries(declared).map(([name, value]) => [name, String(value)]));
  for (const [name, value] of Object.entries(deployParameters)) {
    if (!Object.hasOwn(variables, name))
      throw new Error(`${fn.logicalId} has no variable ${name} for a deploy parameter to set`);
    variables[name] = value;
  }
  for (const [name, value] of Object.entries(testOnly)) {
    if (Object.hasOwn(variables, name))
      throw new Error(`${fn.logicalId} already has ${name}: not a test-only variable`);
    variables[name] = value;
  }
  const name = fn.properties.FunctionName;
  const lambda: Record<string, string> = {
    _HANDLER: fn.properties.Handler,
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.properties.Runtime}`,
    LAMBDA_TASK_ROOT: places.taskRoot,
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    TZ: ':UTC',
    HOME: places.home,
    NODE_EXTRA_CA_CERTS: places.caFile,
  };
  // Lambda refuses a deploy whose function sets one of its own variables.
  const clash = Object.keys(variables).filter((variable) => Object.hasOwn(lambda, variable));
  if (clash.length > 0) throw new Error(`${fn.logicalId} sets Lambda's own ${clash.join(', ')}`);
  return { ...variables, ...lambda };
}
