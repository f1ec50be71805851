import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import {
  type LocalEventBridge,
  startDynamoDb,
  startEventBridgeStandInHere,
  startS3,
  startSnsStandInHere,
  startSqs,
  startSsmStandIn,
} from './emulators';
import { lazyFunctionThread, startFunctionThread, type FunctionThreadOptions } from './function-thread';
import { functionEnvironment, secretSettings, threadOptions } from './functions';
import { createHttpGateway, type HttpRoute } from './http-gateway';
import { localAccessKeys, STACK_CREDENTIALS } from './local-credentials';
import { PROJECT_ROOT } from './project-root';
import { provisionResources } from './provision';
import { LOCAL_ACCOUNT, localRuleArn, scheduledEvent, startSchedules } from './schedules';
import { loadServerlessConfig } from './serverless-config';
import { startFunctionProcess, type ProcessEventSource } from './event-source-process';
import type { EventSource } from './sqs-event-source';
import { withTimeout } from './timeout';

export { PROJECT_ROOT };
import { LOCAL_STAGE } from './stack-stage';

export { LOCAL_STAGE };

/** The AWS services the functions call, each of which `functionEndpoint` may put something in front of. */
export type FunctionService = 'dynamodb' | 'sqs' | 'ssm' | 'sns' | 's3' | 'events';

export interface LocalStackOptions {
  /** HTTP port (0 picks a free one). */
  port?: number;
  /** Keep DynamoDB data on disk here; in memory when absent. */
  dataDir?: string;
  /** Keep the S3 emulator's objects (the recordings bucket) on disk here; in a temporary directory when absent. */
  s3DataDir?: string;
  /**
   * Override attributes of queues that have a redrive policy (tests shorten VisibilityTimeout); a VisibilityTimeout
   * given here is also the functions' QUEUE_VISIBILITY_TIMEOUT_SECONDS, unless `environment` sets that.
   */
  queueAttributes?: Record<string, string>;
  /** Overrides serverless.yml's maximumBatchingWindow (tests shorten it). */
  batchWindowMs?: number;
  /**
   * Run each SQS event source and its function in a child process of its own (instead of a worker thread), so a
   * test can kill it with SIGKILL mid-batch and restart it (`eventSources[i].kill()` / `.restart()`); a handler
   * that passes its timeout exits its process, as a Lambda container does.
   */
  eventSourceProcesses?: boolean;
  /**
   * Run the functions' `schedule` events (EventBridge rules, `rate(...)`): each invokes its function every period
   * with a Scheduled Event, never while an invocation of that function is still running. Off by default, so a test
   * decides when a scheduled function runs (`invoke`); `npm start` turns it on. `{ everyMs }` overrides every rate.
   */
  schedules?: boolean | { everyMs: number };
  /** Overrides the SQS-fed functions' serverless.yml `timeout` (a harness that shortens the visibility timeout). */
  eventSourceTimeoutMs?: number;
  /** Extra environment for the functions (e.g. signing keys, the SignalWire API URL); secrets go through SSM. */
  environment?: Record<string, string>;
  /** Where to write the endpoints file the `webhooks` CLI reads by default. */
  stackFile?: string;
  /** Record every AWS call the functions make, one file per emulator: `<prefix>-<service>.jsonl` (the IAM parity check). */
  recordAwsCallsTo?: string;
  /**
   * The endpoint the functions are given for a service (AWS_ENDPOINT_URL_<SERVICE>), e.g. a fault proxy in front of
   * the SSM or SNS stand-in. (SQS clients call the queue URL's host, so a proxy for SQS also needs the queue URLs.)
   */
  functionEndpoint?(service: FunctionService, endpoint: string): string | Promise<string>;
  /** More SSM parameters (name -> SecureString value) the SSM stand-in serves, e.g. destinations' signing secrets. */
  ssmParameters?: Record<string, string>;
  onError?(error: unknown): void;
}

/** Everything the CLI and the tests need to reach a running local stack. */
export interface StackInfo {
  url: string;
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  ssmEndpoint: string;
  snsEndpoint: string;
  /** The local EventBridge (local/eventbridge-stand-in.ts), and the stage's bus the worker publishes to (EventBus). */
  eventBridgeEndpoint: string;
  eventBusName: string;
  /** The S3 emulator (path-style: a client needs forcePathStyle). */
  s3Endpoint: string;
  service: string;
  stage: string;
  tableName: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  notificationsTopicArn: string;
  /** The recordings bucket's name (RecordingsBucket), its copy jobs' queue and their DLQ. */
  recordingsBucket: string;
  recordingsQueueUrl: string;
  recordingsDeadLetterQueueUrl: string;
}

export interface LocalStack extends StackInfo {
  /** With `eventSourceProcesses`, the worker's is a ProcessEventSource (kill, restart). */
  eventSources: (EventSource | ProcessEventSource)[];
  /** Each function's environment (no secrets: those are in the SSM stand-in), e.g. to run a handler in a process of its own. */
  environments: Record<string, Record<string, string>>;
  /** Every HTTP route served, as `METHOD /path` (serverless.yml's httpApi events). */
  routes: string[];
  /**
   * Runs one function's handler once with `event` (as `aws lambda invoke` does), in that function's thread, and
   * resolves what it returned; rejects with its error, or at its serverless.yml `timeout`. E.g.
   * `stack.invoke('reconciler', stack.scheduledEvent('reconciler'))`.
   */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** The Scheduled Event the function's first `schedule` rule would hand it now (its rule's ARN in `resources`). */
  scheduledEvent(functionName: string): ScheduledEvent;
  /** Each `schedule` rule: the function, its expression and the rule's ARN. */
  schedules: { functionName: string; expression: string; ruleArn: string; enabled: boolean }[];
  /**
   * The local EventBridge: what the buses accepted (`published()`), local consumers (`subscribe(pattern, handler)`),
   * and its endpoint for an SDK client (rules with SQS targets deliver to the local SQS).
   */
  bus: Omit<LocalEventBridge, 'stop'>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline on one machine: the emulators (DynamoDB, SQS, S3) and the SSM stand-in (each in its own
 * process), the SNS and EventBridge stand-ins (in this one), each behind a front that checks every request's signature
 * as AWS does; the serverless.yml resources, the HTTP routes (API Gateway, in this thread) and each function in a worker
 * thread of its own with its own environment and credentials, fed by its routes or its SQS event source mapping,
 * calling the real handlers.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), LOCAL_STAGE);
  // Every emulator and stand-in sits behind the AWS front (local/aws-front.mjs): it accepts the stack's own key and
  // each function's, nothing else, and records the calls it accepted when asked to.
  const accessKeys = localAccessKeys(defs.functions.map((fn) => fn.name));
  const record = (service: string) => ({
    accessKeys,
    ...(options.recordAwsCallsTo && { recordCallsTo: `${options.recordAwsCallsTo}-${service}.jsonl` }),
  });
  // The stand-ins print what was published (notifications, events) where `npm start` shows it, unless told to be quiet.
  const logPublished = !['silent', 'error', 'warn'].includes(options.environment?.LOG_LEVEL ?? 'info');
  const [dynamo, sqsEmulator, s3Emulator, sns] = await Promise.all([
    startDynamoDb(options.dataDir, record('dynamodb')),
    startSqs(record('sqs')),
    startS3(options.s3DataDir, record('s3')),
    startSnsStandInHere(logPublished, record('sns')),
  ]);
  // In this process (a few milliseconds); its rules' SQS targets send to the SQS emulator.
  const bus = await startEventBridgeStandInHere({
    ...record('events'),
    sqsEndpoint: sqsEmulator.endpoint,
    log: logPublished,
    onError: options.onError,
  });
  const credentials = STACK_CREDENTIALS;
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials, md5: false });
  const dynamodb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: s3Emulator.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const index = await provisionResources(
    defs,
    { sqs, dynamodb, s3, eventBuses: bus },
    { queueAttributes: options.queueAttributes },
  );
  // Listen first: functions may be configured with the API's own URL (`Fn::GetAtt: [HttpApi, ApiEndpoint]`).
  const gateway = createHttpGateway({ publicBaseUrl: options.environment?.WEBHOOK_PUBLIC_BASE_URL });
  const server: Server = gateway.server;
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(options.port ?? 3000, '127.0.0.1', resolve),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  index.HttpApi = { ref: 'local', attributes: { ApiEndpoint: url } };

  // Each function's environment; the secrets among the extra settings are served by the SSM stand-in.
  const parameters: Record<string, string> = { ...options.ssmParameters };
  const endpointFor = async (service: FunctionService, endpoint: string) =>
    (await options.functionEndpoint?.(service, endpoint)) ?? endpoint;
  const endpoints = {
    region: 'us-east-1',
    sqs: await endpointFor('sqs', sqsEmulator.endpoint),
    dynamodb: await endpointFor('dynamodb', dynamo.endpoint),
    sns: await endpointFor('sns', sns.endpoint),
    s3: await endpointFor('s3', s3Emulator.endpoint),
  };
  const sources = { provider: defs.environment, index, endpoints, extra: options.environment ?? {}, parameters };
  const secrets = secretSettings(defs.functions);
  const envs = defs.functions.map((fn) => ({ fn, env: functionEnvironment(fn, sources, secrets) }));
  // A function told the queue's visibility timeout (the worker caps its retries' backoff below it) is told the one
  // the queue was made with here, unless the caller set it.
  const visibility = options.queueAttributes?.VisibilityTimeout;
  if (visibility !== undefined && options.environment?.QUEUE_VISIBILITY_TIMEOUT_SECONDS === undefined)
    for (const { env } of envs)
      if (env.QUEUE_VISIBILITY_TIMEOUT_SECONDS !== undefined) env.QUEUE_VISIBILITY_TIMEOUT_SECONDS = visibility;
  const ssm = await startSsmStandIn(parameters, record('ssm'));
  const ssmEndpoint = await endpointFor('ssm', ssm.endpoint);
  const eventBridgeEndpoint = await endpointFor('events', bus.endpoint);
  for (const { env } of envs) {
    env.AWS_ENDPOINT_URL_SSM = ssmEndpoint;
    // The SDK's EventBridge client reads AWS_ENDPOINT_URL_EVENTBRIDGE (its service id, EventBridge).
    env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridgeEndpoint;
  }
  // SQS clients call the queue URL's host: the queue URLs point at the functions' SQS endpoint too.
  for (const { env } of envs)
    for (const [k, v] of Object.entries(env))
      if (v.startsWith(`${sqsEmulator.endpoint}/`)) env[k] = endpoints.sqs + v.slice(sqsEmulator.endpoint.length);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3Emulator.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
  });

  const startFunction = (fn: FunctionThreadOptions, invokedOnly: boolean) =>
    fn.eventSource && options.eventSourceProcesses
      ? startFunctionProcess(fn, options.onError)
      : invokedOnly
        ? lazyFunctionThread(fn, options.onError)
        : startFunctionThread(fn, options.onError);
  const routes: HttpRoute[] = [];
  const threads = await Promise.all(
    envs.map(async ({ fn, env }) => {
      const thread = await startFunction(
        threadOptions(fn, env, index, {
          sqsEndpoint: sqsEmulator.endpoint,
          batchWindowMs: options.batchWindowMs,
          timeoutMs: options.eventSourceTimeoutMs,
        }),
        // A function only invoked (the reconciler, on its schedule or on demand) starts at its first invocation, as a
        // Lambda's first container does: a stack that never runs it never loads it.
        fn.httpRoutes.length === 0 && fn.sqs === undefined,
      );
      for (const route of fn.httpRoutes)
        routes.push({ ...route, handler: thread.invoke, timeoutMs: fn.timeoutSeconds * 1000 });
      return thread;
    }),
  );
  const eventSources = threads.flatMap((thread): (EventSource | ProcessEventSource)[] =>
    thread.eventSource ? [thread.eventSource] : [],
  );

  gateway.setRoutes(routes);

  // EventBridge's schedule rules (serverless.yml `schedule` events), and invoking any function on demand.
  const region = 'us-east-1';
  const ruleArn = (ruleName: string) => localRuleArn(region, ruleName);
  const threadOf = (name: string) => {
    const at = defs.functions.findIndex((fn) => fn.name === name);
    if (at === -1)
      throw new Error(`local stack: no function ${name} (${defs.functions.map((fn) => fn.name).join(', ')})`);
    return { fn: defs.functions[at]!, thread: threads[at]! };
  };
  const scheduler = startSchedules(defs.functions, {
    enabled: options.schedules !== undefined && options.schedules !== false,
    ...(typeof options.schedules === 'object' && { everyMs: options.schedules.everyMs }),
    invoke: (name, event) => threadOf(name).thread.invoke(event),
    region,
    onError: options.onError,
  });
  const invoke = async (name: string, event: unknown): Promise<unknown> => {
    const { fn, thread } = threadOf(name);
    return withTimeout(
      scheduler.track(name, () => thread.invoke(event)),
      fn.timeoutSeconds * 1000,
    );
  };
  const info: StackInfo = {
    url,
    region: 'us-east-1',
    sqsEndpoint: sqsEmulator.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    ssmEndpoint: ssm.endpoint,
    snsEndpoint: sns.endpoint,
    eventBridgeEndpoint: bus.endpoint,
    eventBusName: index.EventBus!.ref,
    s3Endpoint: s3Emulator.endpoint,
    service: defs.service,
    stage: LOCAL_STAGE,
    tableName: index.EventsTable!.ref,
    queueUrl: index.WebhookQueue!.ref,
    deadLetterQueueUrl: index.DeadLetterQueue!.ref,
    notificationsTopicArn: index.NotificationsTopic!.ref,
    recordingsBucket: index.RecordingsBucket!.ref,
    recordingsQueueUrl: index.RecordingsQueue!.ref,
    recordingsDeadLetterQueueUrl: index.RecordingsDeadLetterQueue!.ref,
  };
  if (options.stackFile) {
    mkdirSync(dirname(options.stackFile), { recursive: true });
    // With each function's environment (no secrets in it), for `npm run invoke` (local/invoke.ts).
    const environments = Object.fromEntries(envs.map(({ fn, env }) => [fn.name, env]));
    writeFileSync(options.stackFile, `${JSON.stringify({ ...info, environments }, null, 2)}\n`);
  }
  return {
    ...info,
    eventSources,
    environments: Object.fromEntries(envs.map(({ fn, env }) => [fn.name, env])),
    routes: routes.map((route) => `${route.method} ${route.path}`),
    invoke,
    scheduledEvent(name) {
      const schedule = threadOf(name).fn.schedules[0];
      if (!schedule) throw new Error(`local stack: ${name} has no schedule event`);
      return scheduledEvent(ruleArn(schedule.ruleName), region, LOCAL_ACCOUNT);
    },
    bus: {
      endpoint: bus.endpoint,
      createEventBus: bus.createEventBus,
      published: bus.published,
      subscribe: bus.subscribe,
    },
    schedules: defs.functions.flatMap((fn) =>
      fn.schedules.map((schedule) => ({
        functionName: fn.name,
        expression: schedule.expression,
        ruleArn: ruleArn(schedule.ruleName),
        enabled: schedule.enabled,
      })),
    ),
    async stop() {
      scheduler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(threads.map((thread) => thread.stop()));
      sqs.destroy();
      dynamodb.destroy();
      s3.destroy();
      // The bus first: the deliveries under way to its SQS targets finish before the SQS emulator stops.
      await bus.stop();
      await Promise.all([sqsEmulator.stop(), dynamo.stop(), s3Emulator.stop(), ssm.stop(), sns.stop()]);
    },
  };
}
