import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startDynamoDb, startSqs } from './emulators';
import { createHttpGateway, type HttpRoute } from './http-gateway';
import { functionEnvironment, importHandler, moduleUrl } from './functions';
import { PROJECT_ROOT } from './project-root';
import { provisionResources } from './provision';
import { loadServerlessConfig } from './serverless-config';
import { startEventSourceThread } from './event-source-thread';
import type { EventSource } from './sqs-event-source';

export { PROJECT_ROOT };
export const LOCAL_STAGE = 'local';

export interface LocalStackOptions {
  /** HTTP port (0 picks a free one). */
  port?: number;
  /** Keep DynamoDB data on disk here; in memory when absent. */
  dataDir?: string;
  /** Override attributes of queues that have a redrive policy (tests shorten VisibilityTimeout). */
  queueAttributes?: Record<string, string>;
  /** Overrides serverless.yml's maximumBatchingWindow (tests shorten it). */
  batchWindowMs?: number;
  /** Extra environment for the functions (e.g. signing keys, the SignalWire API URL). */
  environment?: Record<string, string>;
  /** Where to write the endpoints file the `webhooks` CLI reads by default. */
  stackFile?: string;
  onError?(error: unknown): void;
}

/** Everything the CLI and the tests need to reach a running local stack. */
export interface StackInfo {
  url: string;
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  service: string;
  stage: string;
  tableName: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export interface LocalStack extends StackInfo {
  eventSources: EventSource[];
  /** Every HTTP route served, as `METHOD /path` (serverless.yml's httpApi events). */
  routes: string[];
  stop(): Promise<void>;
}

/**
 * The whole pipeline on one machine: emulators (each in its own process), the serverless.yml resources, the
 * HTTP routes (in this thread) and each SQS event source mapping with the function it feeds (in a worker thread),
 * calling the real handlers. Handlers read their configuration at import (cold start), so one process hosts one stack.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), LOCAL_STAGE);
  const [dynamo, sqsEmulator] = await Promise.all([startDynamoDb(options.dataDir), startSqs()]);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials, md5: false });
  const dynamodb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const index = await provisionResources(defs, { sqs, dynamodb }, { queueAttributes: options.queueAttributes });
  // Listen first: functions may be configured with the API's own URL (`Fn::GetAtt: [HttpApi, ApiEndpoint]`).
  const gateway = createHttpGateway();
  const server: Server = gateway.server;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 3000, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  index.HttpApi = { ref: 'local', attributes: { ApiEndpoint: url } };

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...functionEnvironment(defs.environment, defs.functions, index),
    ...options.environment,
  });

  const routes: HttpRoute[] = [];
  const eventSources: EventSource[] = [];
  for (const fn of defs.functions) {
    if (fn.httpRoutes.length > 0) {
      const handler = await importHandler(fn);
      for (const route of fn.httpRoutes) routes.push({ ...route, handler, timeoutMs: fn.timeoutSeconds * 1000 });
    }
    if (fn.sqs) {
      const queue = index[fn.sqs.queueLogicalId]!;
      const source = {
        moduleUrl: moduleUrl(fn),
        exportName: fn.exportName,
        sqsEndpoint: sqsEmulator.endpoint,
        queueUrl: queue.ref,
        queueArn: queue.attributes.Arn!,
        batchSize: fn.sqs.batchSize,
        batchWindowMs: options.batchWindowMs ?? fn.sqs.batchWindowSeconds * 1000,
        concurrency: fn.sqs.maximumConcurrency,
        reportBatchItemFailures: fn.sqs.reportBatchItemFailures,
        timeoutMs: fn.timeoutSeconds * 1000,
      };
      eventSources.push(await startEventSourceThread(source, options.onError));
    }
  }

  gateway.setRoutes(routes);
  const info: StackInfo = {
    url,
    region: 'us-east-1',
    sqsEndpoint: sqsEmulator.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    service: defs.service,
    stage: LOCAL_STAGE,
    tableName: index.EventsTable!.ref,
    queueUrl: index.WebhookQueue!.ref,
    deadLetterQueueUrl: index.DeadLetterQueue!.ref,
  };
  if (options.stackFile) {
    mkdirSync(dirname(options.stackFile), { recursive: true });
    writeFileSync(options.stackFile, JSON.stringify(info, null, 2) + '\n');
  }
  return {
    ...info,
    eventSources,
    routes: routes.map((route) => `${route.method} ${route.path}`),
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(eventSources.map((source) => source.stop()));
      sqs.destroy();
      dynamodb.destroy();
      await Promise.all([sqsEmulator.stop(), dynamo.stop()]);
    },
  };
}
