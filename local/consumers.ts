import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'yaml';
import { startFunctionThread, type FunctionThread } from './function-thread';
import { functionEnvironment, secretSettings } from './functions';
import { STACK_CREDENTIALS } from './local-credentials';
import { PROJECT_ROOT } from './project-root';
import { provisionResources } from './provision';
import { loadServerlessConfig } from './serverless-config';
import type { LocalStack } from './stack';
import { LOCAL_STAGE } from './stack-stage';

/**
 * Consumers of the product's events, each a Serverless service of its own (examples/billing-consumer), run against
 * the local bus the way they run against the deployed one: `LOCAL_CONSUMERS=examples/billing-consumer npm start`.
 * Each service's serverless.yml is read for the local stage (so its `productStage` is `local`, the stack's): its
 * tables and queues are created in the local emulators, and each function with `eventBridge` pattern rules runs in a
 * thread of its own with its resolved environment, invoked once per event its pattern matches (as EventBridge
 * invokes a Lambda target asynchronously: an error is reported, the event is not retried here).
 * Every rule listens on the product stage's bus, whatever its `eventBus` says: locally there is that one bus, and
 * the deployed `${cf:...EventBusArn}` cannot be resolved here. Patterns are read as written (no variables in them).
 */

/** One consumer function subscribed to the local bus. */
interface LocalConsumer {
  service: string;
  functionName: string;
  /** Its rules' patterns, as in serverless.yml. */
  patterns: unknown[];
  /** Invokes the handler with `event` directly (e.g. a redelivery), in its thread; resolves what it returned. */
  invoke(event: unknown): Promise<unknown>;
}

export interface LocalConsumers {
  consumers: LocalConsumer[];
  /** The `Ref` of each resource the services created locally (e.g. BillingLines -> its table name), by service. */
  resources: Record<string, Record<string, string>>;
  stop(): Promise<void>;
}

/** What of the local stack a consumer needs: its emulators and its bus. */
type ConsumerHost = Pick<
  LocalStack,
  | 'bus'
  | 'eventBusName'
  | 'eventBridgeEndpoint'
  | 'region'
  | 'sqsEndpoint'
  | 'dynamodbEndpoint'
  | 'snsEndpoint'
  | 's3Endpoint'
  | 'ssmEndpoint'
>;

/** `folders`: the services' folders, relative to the repository or absolute (LOCAL_CONSUMERS, comma-separated). */
export async function startLocalConsumers(
  folders: string[],
  stack: ConsumerHost,
  onError?: (error: unknown) => void,
): Promise<LocalConsumers> {
  const threads: FunctionThread[] = [];
  const unsubscribes: (() => void)[] = [];
  const consumers: LocalConsumer[] = [];
  const resources: LocalConsumers['resources'] = {};
  const clients = {
    sqs: new SQSClient({ endpoint: stack.sqsEndpoint, region: stack.region, credentials: STACK_CREDENTIALS }),
    dynamodb: new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: stack.region,
      credentials: STACK_CREDENTIALS,
    }),
  };
  try {
    for (const folder of folders) {
      const dir = resolve(PROJECT_ROOT, folder);
      const file = join(dir, 'serverless.yml');
      const defs = loadServerlessConfig(file, LOCAL_STAGE, stack.region);
      const index = await provisionResources(defs, clients);
      resources[defs.service] = Object.fromEntries(Object.entries(index).map(([id, { ref }]) => [id, ref]));
      const rules = patternRules(file);
      const secrets = secretSettings(defs.functions);
      for (const fn of defs.functions) {
        const patterns = rules[fn.name] ?? [];
        if (patterns.length === 0) continue;
        const env = functionEnvironment(
          fn,
          {
            provider: defs.environment,
            index,
            endpoints: {
              region: stack.region,
              sqs: stack.sqsEndpoint,
              dynamodb: stack.dynamodbEndpoint,
              sns: stack.snsEndpoint,
              s3: stack.s3Endpoint,
            },
            extra: {},
            parameters: {},
          },
          secrets,
        );
        // The emulators' front knows the product's functions' keys and the stack's own: a consumer signs with the latter.
        env.AWS_ACCESS_KEY_ID = STACK_CREDENTIALS.accessKeyId;
        env.AWS_ENDPOINT_URL_SSM = stack.ssmEndpoint;
        env.AWS_ENDPOINT_URL_EVENTBRIDGE = stack.eventBridgeEndpoint;
        const thread = await startFunctionThread(
          {
            name: `${defs.service}-${fn.name}`,
            moduleUrl: pathToFileURL(join(dir, `${fn.module}.ts`)).href,
            exportName: fn.exportName,
            timeoutMs: fn.timeoutSeconds * 1000,
            env,
          },
          onError,
        );
        threads.push(thread);
        for (const pattern of patterns)
          unsubscribes.push(
            stack.bus.subscribe(pattern, (event) => thread.invoke(event).then(() => undefined), stack.eventBusName),
          );
        consumers.push({
          service: defs.service,
          functionName: fn.name,
          patterns,
          invoke: (event) => thread.invoke(event),
        });
      }
    }
  } catch (error) {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.all(threads.map((thread) => thread.stop()));
    throw error;
  } finally {
    clients.sqs.destroy();
    clients.dynamodb.destroy();
  }
  return {
    consumers,
    resources,
    async stop() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await Promise.all(threads.map((thread) => thread.stop()));
    },
  };
}

/** Each function's enabled `eventBridge` rules' patterns (a `schedule` rule has none: not run locally). */
function patternRules(file: string): Record<string, unknown[]> {
  const raw = parse(readFileSync(file, 'utf8')) as {
    functions?: Record<string, { events?: { eventBridge?: { pattern?: unknown; enabled?: boolean } }[] }>;
  };
  return Object.fromEntries(
    Object.entries(raw.functions ?? {}).map(([name, fn]) => [
      name,
      (fn.events ?? []).flatMap((event) =>
        event.eventBridge?.pattern !== undefined && event.eventBridge.enabled !== false
          ? [event.eventBridge.pattern]
          : [],
      ),
    ]),
  );
}
