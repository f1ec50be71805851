import { after, before } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { showMessage } from '../../cli/commands/messages';
import { createDocumentClient } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { startFakeSignalWire, type FakeSignalWire } from './fake-signalwire';
import { startTestStack, type TestStack } from './test-stack';
import { waitFor } from './wait';

/** What the auto-reply tests look at: message records (through `messages show`, in-process) and the fake API. */
interface ReplyProbe {
  show(id: string): Promise<any>;
  /** Waits until message `id`'s auto-reply has `status`, and returns the message. */
  status(id: string, status: string, timeoutMs?: number): Promise<any>;
  /** Messages the fake SignalWire created (accepted) for `to`. */
  createdFor(to: string): FakeSignalWire['created'];
}

export interface AutoReplyStack {
  fake: FakeSignalWire;
  stack: TestStack;
  replies: ReplyProbe;
  stop(): Promise<void>;
}

export interface AutoReplyStackOptions {
  /** How long the worker waits for the SignalWire API. */
  signalwireTimeoutMs: number;
  /** How long `replies.status` waits by default. */
  waitMs?: number;
  /** Short reply leases keep takeovers fast. */
  leaseSeconds?: number;
  /** Seconds before SQS delivers a failed message again (the test stack's default is 1). */
  visibilitySeconds?: number;
  /** More settings for the functions (webhook secrets go to the SSM stand-in, as deployed). */
  environment?: Record<string, string>;
}

/** The local stack with a real SignalWire REST stand-in and API credentials. */
export async function startAutoReplyStack({
  signalwireTimeoutMs,
  waitMs = 60_000,
  leaseSeconds = 2,
  visibilitySeconds = 1,
  environment = {},
}: AutoReplyStackOptions): Promise<AutoReplyStack> {
  const fake = await startFakeSignalWire();
  let stack: TestStack;
  try {
    stack = await startTestStack({
      queueAttributes: { VisibilityTimeout: String(visibilitySeconds) },
      environment: {
        SIGNALWIRE_SPACE_URL: fake.url,
        SIGNALWIRE_PROJECT_ID: 'p-test',
        SIGNALWIRE_API_TOKEN: 'PT_test_token',
        SIGNALWIRE_TIMEOUT_MS: String(signalwireTimeoutMs),
        REPLY_LEASE_SECONDS: String(leaseSeconds),
        ...environment,
      },
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const dynamodb = new DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const target = {
    table: { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: stack.tableName, retentionDays: 90 },
  };
  const show = (id: string): Promise<any> => showMessage(target, id).catch(() => undefined);
  const replies: ReplyProbe = {
    show,
    status: (id, status, timeoutMs = waitMs) =>
      waitFor(
        async () => {
          const message = await show(id);
          return message?.auto_reply?.status === status ? message : undefined;
        },
        timeoutMs,
        `${id} reply ${status}`,
      ),
    createdFor: (to) => fake.created.filter((m) => m.to === to),
  };
  return {
    fake,
    stack,
    replies,
    async stop() {
      dynamodb.destroy();
      await stack.stop();
      await fake.close();
    },
  };
}

/** Registers `before`/`after` hooks that start and stop an auto-reply stack; its fields work once `before` ran. */
export function useAutoReplyStack(options: AutoReplyStackOptions): AutoReplyStack {
  let started: AutoReplyStack | undefined;
  before(async () => {
    started = await startAutoReplyStack(options);
  });
  after(async () => {
    await started?.stop();
  });
  const get = (): AutoReplyStack => {
    if (started === undefined) throw new Error('the auto-reply stack has not started');
    return started;
  };
  return {
    get fake() {
      return get().fake;
    },
    get stack() {
      return get().stack;
    },
    replies: {
      show: (id) => get().replies.show(id),
      status: (id, status, timeoutMs) => get().replies.status(id, status, timeoutMs),
      createdFor: (to) => get().replies.createdFor(to),
    },
    stop: async () => started?.stop(),
  };
}
