import { errorMessage } from '../errors';
import { randomBytes } from 'node:crypto';
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { EVENT_SOURCE, type EventType } from '../events/domain-event';

/**
 * `webhooks listen`'s hold on the bus while it runs: a queue and a rule of its own, the rule's one target the queue.
 * Temporary resources, not serverless.yml's: a session is a developer's terminal, not the stage's configuration.
 */
export interface ListenSubscription {
  /** The rule's and the queue's name, `<bus>-listen-<random>`. */
  name: string;
  queueUrl: string;
  /** Marks the session alive now (its queue's SEEN_TAG): a session not seen for LEFTOVER_AFTER_MS is a leftover. */
  touch(): Promise<void>;
  /**
   * Removes the target, then deletes the rule and the queue, each tried whatever became of the ones before; rejects
   * naming what is left (and how to remove it) when AWS refused any of it.
   */
  close(): Promise<void>;
}

interface ListenClients {
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
}

const TARGET_ID = 'listen';
const RANDOM_CHARS = 8;
/** The tag a running session keeps fresh on its queue: when it last was alive, in ms since the epoch. */
const SEEN_TAG = 'webhooks-listen-seen';
/** How often a running session marks itself alive. */
export const HEARTBEAT_MS = 60_000;
/** A session not seen for this long stopped without cleaning up (`kill -9`, a closed laptop): its leftovers go. */
export const LEFTOVER_AFTER_MS = 10 * 60_000;

/** The rule's pattern: the product's events, of the given types only (every type, future ones too, when none). */
function listenPattern(types: readonly EventType[] | undefined): Record<string, string[]> {
  return { source: [EVENT_SOURCE], ...(types !== undefined && { 'detail-type': [...types] }) };
}

/**
 * `<bus>-listen-<8 hex>`: one name for the rule and the queue, so a session's leftovers (after a `kill -9`) are found
 * by the prefix. A rule's name is at most 64 characters, of `[.\-_A-Za-z0-9]`, a queue's of `[-_A-Za-z0-9]`.
 */
function listenName(busName: string, random = randomBytes(RANDOM_CHARS / 2).toString('hex')): string {
  return `${listenPrefix(busName)}${random}`;
}

/** What every session's name on `busName` starts with. */
function listenPrefix(busName: string): string {
  const suffix = '-listen-';
  return `${busName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64 - suffix.length - RANDOM_CHARS)}${suffix}`;
}

/** EventBridge may send to the queue for this rule only (`aws:SourceArn`): no other rule, account or principal. */
function queuePolicy(queueArn: string, ruleArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'webhooks-listen-rule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

/** An undo step: what it removes (for the error naming a leftover) and how. */
interface Undo {
  what: string;
  run(): Promise<void>;
}

/**
 * Creates the queue (1 h retention: a session's events are forwarded in seconds), the rule on `busName`, the policy
 * letting that rule send to the queue, then the target. Each step is recorded before it is taken, so a failure
 * halfway (or a `close()` later) removes exactly what exists; a failed setup rejects after removing it.
 */
export async function openSubscription(
  clients: ListenClients,
  busName: string,
  types: readonly EventType[] | undefined,
): Promise<ListenSubscription> {
  const { eventBridge, sqs } = clients;
  const name = listenName(busName);
  const undo: Undo[] = [];
  const close = () => undoAll(undo);
  try {
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { MessageRetentionPeriod: '3600', VisibilityTimeout: '120' },
      }),
    );
    if (queueUrl === undefined) throw new Error(`CreateQueue ${name} answered no QueueUrl`);
    undo.unshift({
      what: `queue ${queueUrl} (aws sqs delete-queue --queue-url ${queueUrl})`,
      run: async () => void (await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }))),
    });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = Attributes?.QueueArn;
    if (queueArn === undefined) throw new Error(`GetQueueAttributes ${name} answered no QueueArn`);
    const touch = async () =>
      void (await sqs.send(new TagQueueCommand({ QueueUrl: queueUrl, Tags: { [SEEN_TAG]: String(Date.now()) } })));
    await touch();
    const { RuleArn: ruleArn } = await eventBridge.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: busName,
        EventPattern: JSON.stringify(listenPattern(types)),
        State: 'ENABLED',
        Description: 'webhooks listen: a developer forwarding events to a local URL; removed when it stops',
      }),
    );
    undo.unshift({
      what: `rule ${name} on ${busName} (aws events delete-rule --event-bus-name ${busName} --name ${name})`,
      run: async () => void (await eventBridge.send(new DeleteRuleCommand({ Name: name, EventBusName: busName }))),
    });
    if (ruleArn === undefined) throw new Error(`PutRule ${name} answered no RuleArn`);
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: JSON.stringify(queuePolicy(queueArn, ruleArn)) },
      }),
    );
    undo.unshift({
      what: `target ${TARGET_ID} of rule ${name} (aws events remove-targets --event-bus-name ${busName} --rule ${name} --ids ${TARGET_ID})`,
      run: async () => {
        const removed = await eventBridge.send(
          new RemoveTargetsCommand({ Rule: name, EventBusName: busName, Ids: [TARGET_ID] }),
        );
        if (removed.FailedEntryCount) throw new Error(removed.FailedEntries?.[0]?.ErrorMessage ?? 'refused');
      },
    });
    const put = await eventBridge.send(
      new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: TARGET_ID, Arn: queueArn }] }),
    );
    if (put.FailedEntryCount)
      throw new Error(`PutTargets refused the queue: ${put.FailedEntries?.[0]?.ErrorMessage ?? 'no reason given'}`);
    return { name, queueUrl, touch, close };
  } catch (error) {
    const cleanup = await close().then(
      () => '',
      (left: unknown) => `; ${left instanceof Error ? left.message : String(left)}`,
    );
    const why = errorMessage(error);
    throw new Error(`could not subscribe to ${busName}: ${why}${cleanup}`, { cause: error });
  }
}

/**
 * Removes what sessions on `busName` left behind: each queue named like a session whose session was not seen for
 * LEFTOVER_AFTER_MS (or, untagged, made longer ago than that: it died before its first mark), with its rule and the
 * rule's target, which may be gone already. A running session marks itself every HEARTBEAT_MS, so it is never taken
 * for one. Resolves to the names removed; rejects naming what could not be.
 */
export async function removeLeftovers(clients: ListenClients, busName: string, now = Date.now()): Promise<string[]> {
  const { eventBridge, sqs } = clients;
  const prefix = listenPrefix(busName);
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  const removed: string[] = [];
  for (const queueUrl of QueueUrls) {
    const name = queueUrl.split('/').pop() ?? '';
    if (!name.startsWith(prefix) || (await lastSeen(sqs, queueUrl)) > now - LEFTOVER_AFTER_MS) continue;
    const gone = (run: () => Promise<unknown>) => async () => {
      try {
        await run();
      } catch (error) {
        if (!GONE.has((error as { name?: string }).name ?? '')) throw error;
      }
    };
    await undoAll([
      {
        what: `target ${TARGET_ID} of rule ${name}`,
        run: gone(() =>
          eventBridge.send(new RemoveTargetsCommand({ Rule: name, EventBusName: busName, Ids: [TARGET_ID] })),
        ),
      },
      {
        what: `rule ${name} on ${busName}`,
        run: gone(() => eventBridge.send(new DeleteRuleCommand({ Name: name, EventBusName: busName }))),
      },
      { what: `queue ${queueUrl}`, run: gone(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }))) },
    ]);
    removed.push(name);
  }
  return removed;
}

/** What AWS answers for a rule or a queue already gone (EventBridge; SQS's JSON protocol, and its query one). */
const GONE = new Set(['ResourceNotFoundException', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/** When a session's queue was last marked alive, or made if never marked (ms since the epoch). */
async function lastSeen(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Tags = {} } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }));
  const seen = Number(Tags[SEEN_TAG]);
  if (Number.isFinite(seen) && seen > 0) return seen;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['CreatedTimestamp'] }),
  );
  return Number(Attributes.CreatedTimestamp ?? 0) * 1000;
}

/** Runs every step, newest first, each once whatever became of the others; rejects naming the ones that failed. */
async function undoAll(undo: Undo[]): Promise<void> {
  const left: string[] = [];
  for (const step of undo.splice(0)) {
    try {
      await step.run();
    } catch (error) {
      left.push(`${step.what}: ${errorMessage(error)}`);
    }
  }
  if (left.length > 0) throw new Error(`left behind, remove by hand: ${left.join('; ')}`);
}
