// A local stand-in for Amazon EventBridge: the event buses the worker publishes the product's events to
// (lib/events/domain-event.ts), their rules, and the rules' SQS targets. It speaks the EventBridge API as the SDK
// sends it (AWS JSON 1.1: POST /, X-Amz-Target: AWSEvents.<Action>) and is served like the other stand-ins
// (local/serve-on-loopback.mjs: loopback port, behind the AWS front that checks signatures). Its actions: PutEvents,
// PutRule, DeleteRule, ListRules, DescribeRule, PutTargets, RemoveTargets, ListTargetsByRule, CreateEventBus,
// DescribeEventBus; rules match as EventBridge's do (lib/events/event-pattern.ts). A rule's SQS target gets each
// matching event sent to that queue of the local SQS emulator; any other target is kept, never invoked.
// It keeps every accepted event (published(), GET /published, for tests) and hands them to in-process consumers
// (subscribe()); with `log`, it prints each on stderr, where `npm start` shows it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventPatternError, matchesEventPattern } from '../lib/events/event-pattern';
import {
  checkEntry,
  type EventBridgeEvent,
  type PutEventsEntry,
  requestRefusal,
  toEvent,
} from './eventbridge-put-events';
import { STACK_CREDENTIALS } from './local-credentials';
import { LOCAL_ACCOUNT } from './schedules';

export type { EventBridgeEvent };

/** A local consumer of events: called once for each matching event; what it throws (or rejects) is only reported. */
export type EventHandler = (event: EventBridgeEvent) => void | Promise<void>;

export interface EventBridgeStandInOptions {
  /** The local SQS endpoint SQS targets' queues are at (`<endpoint>/<account>/<queue>`); without it they get nothing. */
  sqsEndpoint?: string;
  /** Print each accepted event as a JSON line on stderr (as the SNS stand-in prints its notifications). */
  log?: boolean;
  /** A consumer's or an SQS target's failure; by default a JSON line on stderr. */
  onError?(error: unknown): void;
}

export interface EventBridgeStandIn {
  /** The EventBridge API (AWS JSON 1.1) and GET /published, to be served behind the AWS front. */
  server: Server;
  /** Creates a bus (provisioning serverless.yml's AWS::Events::EventBus); one that exists is kept. Its ARN. */
  createEventBus(name: string): string;
  /** Every event a bus accepted, in order; only those of `bus` (name or ARN) when given. */
  published(bus?: string): EventBridgeEvent[];
  /** Calls `handler` with each event matching `pattern` from now on, on `bus` (name or ARN) or on any; unsubscribes. */
  subscribe(pattern: unknown, handler: EventHandler, bus?: string): () => void;
  /** Waits for the deliveries under way, then lets go of the SQS client. */
  close(): Promise<void>;
}

/** The local stack's one region, as its AWS front accepts signatures for (local/aws-front.mjs). */
const REGION = 'us-east-1';

/** A bus's ARN in the local stack (an SQS queue's is `arn:aws:sqs:us-east-1:000000000000:<name>`). */
const localEventBusArn = (name: string) => `arn:aws:events:${REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;

/** A rule's ARN: the default bus's rules are `rule/<name>`, another bus's `rule/<bus>/<name>`. */
const ruleArn = (bus: string, name: string) =>
  `arn:aws:events:${REGION}:${LOCAL_ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;

interface Target {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  SqsParameters?: { MessageGroupId?: string };
  [setting: string]: unknown;
}

interface Rule {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  RoleArn?: string;
  pattern?: unknown;
  targets: Map<string, Target>;
}

/** An API error as EventBridge answers it: HTTP 400, `{ __type, message }`. */
class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Input = Record<string, unknown>;

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const MAX_TARGETS_PER_RULE = 5;

export function createEventBridgeStandIn(options: EventBridgeStandInOptions = {}): EventBridgeStandIn {
  const buses = new Map<string, Map<string, Rule>>([['default', new Map()]]);
  const published: { bus: string; event: EventBridgeEvent }[] = [];
  const consumers = new Set<{ pattern: unknown; handler: EventHandler; bus?: string }>();
  const deliveries = new Set<Promise<void>>();
  let sqs: SQSClient | undefined;
  const report =
    options.onError ??
    ((error: unknown) =>
      process.stderr.write(
        `${JSON.stringify({ level: 'error', time: new Date().toISOString(), msg: 'local EventBridge', error: String(error) })}\n`,
      ));

  /** Said on stderr whatever `onError`: AWS says nothing, and an event lost to a misspelt bus name is hard to see. */
  const warnDropped = (bus: unknown, event: EventBridgeEvent) =>
    process.stderr.write(
      `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg: 'local EventBridge: PutEvents to an event bus that does not exist; the event is dropped, as AWS drops it', bus, id: event.id })}\n`,
    );

  /** A bus's name from its name or ARN (this account's, this region's); undefined when there is no such bus. */
  const busNamed = (nameOrArn: unknown): string | undefined => {
    const given = nameOrArn === undefined || nameOrArn === null || nameOrArn === '' ? 'default' : String(nameOrArn);
    const prefix = `arn:aws:events:${REGION}:${LOCAL_ACCOUNT}:event-bus/`;
    const name = given.startsWith('arn:') ? (given.startsWith(prefix) ? given.slice(prefix.length) : '') : given;
    return buses.has(name) ? name : undefined;
  };
  const existingBus = (nameOrArn: unknown): string => {
    const name = busNamed(nameOrArn);
    if (name === undefined)
      throw new ApiError('ResourceNotFoundException', `Event bus ${String(nameOrArn)} does not exist.`);
    return name;
  };
  const ruleOf = (input: Input, key: 'Name' | 'Rule'): Rule => {
    const bus = existingBus(input.EventBusName);
    const rule = buses.get(bus)!.get(String(input[key]));
    if (!rule)
      throw new ApiError('ResourceNotFoundException', `Rule ${String(input[key])} does not exist on EventBus ${bus}.`);
    return rule;
  };

  const createEventBus = (name: string): string => {
    if (!buses.has(name)) buses.set(name, new Map());
    return localEventBusArn(name);
  };

  const deliver = (event: EventBridgeEvent, rule: Rule, target: Target) => {
    const queue = /^arn:aws:sqs:[^:]+:(\d{12}):(.+)$/.exec(target.Arn);
    if (!queue) return; // a Lambda, another bus, an API destination...: kept, not invoked locally
    if (!options.sqsEndpoint) return report(new Error(`rule ${rule.Name}: no local SQS to send to ${target.Arn}`));
    sqs ??= new SQSClient({ endpoint: options.sqsEndpoint, region: REGION, credentials: STACK_CREDENTIALS });
    const groupId = target.SqsParameters?.MessageGroupId;
    const sending = sqs
      .send(
        new SendMessageCommand({
          QueueUrl: `${options.sqsEndpoint}/${queue[1]}/${queue[2]}`,
          MessageBody: targetInput(event, target),
          // A FIFO queue's target names its group; EventBridge dedupes by the event's id.
          ...(groupId !== undefined && { MessageGroupId: groupId, MessageDeduplicationId: event.id }),
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => report(new Error(`rule ${rule.Name}: delivery to ${target.Arn} failed: ${String(error)}`)),
      )
      .finally(() => deliveries.delete(sending));
    deliveries.add(sending);
  };

  /** Hands an accepted event to the bus's enabled rules whose pattern it matches, and to the local consumers. */
  const route = (bus: string, event: EventBridgeEvent) => {
    published.push({ bus, event });
    if (options.log)
      process.stderr.write(
        `${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'event published (local EventBridge)', bus, event })}\n`,
      );
    for (const rule of buses.get(bus)!.values()) {
      if (rule.State !== 'ENABLED' || rule.pattern === undefined || !matchesEventPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) deliver(event, rule, target);
    }
    for (const consumer of consumers) {
      if (consumer.bus !== undefined && consumer.bus !== bus) continue;
      if (!matchesEventPattern(consumer.pattern, event)) continue;
      try {
        Promise.resolve(consumer.handler(structuredClone(event))).catch(report);
      } catch (error) {
        report(error);
      }
    }
  };

  const actions: Record<string, (input: Input) => unknown> = {
    PutEvents(input) {
      const refusal = requestRefusal(input.Entries);
      if (refusal !== undefined) throw new ApiError('ValidationException', refusal);
      const entries = (input.Entries as PutEventsEntry[]).map((entry) => {
        const checked = checkEntry(entry ?? {});
        if (!('detail' in checked)) return checked;
        const event = toEvent(entry, checked.detail, { region: REGION, account: LOCAL_ACCOUNT });
        const bus = busNamed(entry.EventBusName);
        // AWS accepts an entry for a bus that does not exist, answers its EventId, and drops it (aws/aws-cli#9186).
        if (bus === undefined) warnDropped(entry.EventBusName, event);
        else route(bus, event);
        return { EventId: event.id };
      });
      return { FailedEntryCount: entries.filter((entry) => !('EventId' in entry)).length, Entries: entries };
    },
    CreateEventBus(input) {
      const name = String(input.Name ?? '');
      if (!/^[.\-_A-Za-z0-9]{1,256}$/.test(name))
        throw new ApiError(
          'ValidationException',
          `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`,
        );
      if (buses.has(name)) throw new ApiError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
      return { EventBusArn: createEventBus(name) };
    },
    DescribeEventBus(input) {
      const name = existingBus(input.Name);
      return { Name: name, Arn: localEventBusArn(name) };
    },
    PutRule(input) {
      const bus = existingBus(input.EventBusName);
      const name = String(input.Name ?? '');
      if (!NAME.test(name))
        throw new ApiError(
          'ValidationException',
          `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
        );
      if (input.EventPattern === undefined && input.ScheduleExpression === undefined)
        throw new ApiError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
      if (input.ScheduleExpression !== undefined && bus !== 'default')
        throw new ApiError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
      const state = input.State ?? 'ENABLED';
      if (state !== 'ENABLED' && state !== 'DISABLED')
        throw new ApiError('ValidationException', `State ${String(state)} is not ENABLED or DISABLED.`);
      let pattern: unknown;
      if (input.EventPattern !== undefined) {
        try {
          pattern = JSON.parse(String(input.EventPattern));
        } catch (error) {
          throw new ApiError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${String(error)}`);
        }
        const invalid = eventPatternError(pattern);
        if (invalid !== undefined) throw new ApiError('InvalidEventPatternException', invalid);
      }
      const rules = buses.get(bus)!;
      const rule: Rule = {
        Name: name,
        Arn: ruleArn(bus, name),
        EventBusName: bus,
        State: state,
        ...(input.EventPattern !== undefined && { EventPattern: String(input.EventPattern), pattern }),
        ...(input.ScheduleExpression !== undefined && { ScheduleExpression: String(input.ScheduleExpression) }),
        ...(input.Description !== undefined && { Description: String(input.Description) }),
        ...(input.RoleArn !== undefined && { RoleArn: String(input.RoleArn) }),
        // PutRule on a rule that exists replaces its settings and keeps its targets.
        targets: rules.get(name)?.targets ?? new Map(),
      };
      rules.set(name, rule);
      return { RuleArn: rule.Arn };
    },
    DeleteRule(input) {
      const bus = existingBus(input.EventBusName);
      const rule = buses.get(bus)!.get(String(input.Name));
      if (rule && rule.targets.size > 0)
        throw new ApiError('ValidationException', "Rule can't be deleted since it has targets.");
      buses.get(bus)!.delete(String(input.Name));
      return {};
    },
    DescribeRule(input) {
      const { targets: _targets, pattern: _pattern, ...described } = ruleOf(input, 'Name');
      return { ...described, CreatedBy: LOCAL_ACCOUNT };
    },
    ListRules(input) {
      const bus = existingBus(input.EventBusName);
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      const rules = [...buses.get(bus)!.values()]
        .filter((rule) => rule.Name.startsWith(prefix))
        .sort((a, b) => a.Name.localeCompare(b.Name))
        .map(({ targets: _targets, pattern: _pattern, ...rule }) => rule);
      return page(rules, input, 'Rules');
    },
    PutTargets(input) {
      const rule = ruleOf(input, 'Rule');
      const targets = Array.isArray(input.Targets) ? (input.Targets as Target[]) : [];
      if (targets.length < 1 || targets.length > 10)
        throw new ApiError(
          'ValidationException',
          "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
        );
      targets.forEach((target, at) => {
        const id = String(target.Id ?? '');
        const where = `'targets.${at + 1}.member.id'`;
        if (id.length > 64)
          throw new ApiError(
            'ValidationException',
            `1 validation error detected: Value '${id}' at ${where} failed to satisfy constraint: Member must have length less than or equal to 64`,
          );
        if (!NAME.test(id))
          throw new ApiError(
            'ValidationException',
            `1 validation error detected: Value '${id}' at ${where} failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
          );
        if (typeof target.Arn !== 'string' || target.Arn === '')
          throw new ApiError('ValidationException', `Target ${id} has no Arn.`);
        if (target.InputTransformer !== undefined)
          throw new ApiError('ValidationException', 'InputTransformer is not supported by the local EventBridge.');
      });
      const ids = new Set([...rule.targets.keys(), ...targets.map((target) => target.Id)]);
      if (ids.size > MAX_TARGETS_PER_RULE)
        throw new ApiError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
      for (const target of targets) rule.targets.set(target.Id, { ...target });
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    RemoveTargets(input) {
      const rule = ruleOf(input, 'Rule');
      for (const id of Array.isArray(input.Ids) ? input.Ids : []) rule.targets.delete(String(id));
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    ListTargetsByRule(input) {
      return page([...ruleOf(input, 'Rule').targets.values()], input, 'Targets');
    },
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/published')) {
      const bus = new URL(req.url, 'http://local').searchParams.get('bus') ?? undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(publishedOn(bus)));
    }
    void answer(req, res, actions);
  });

  const publishedOn = (bus?: string) => {
    const name = bus === undefined ? undefined : (busNamed(bus) ?? bus);
    return published.filter((one) => name === undefined || one.bus === name).map((one) => one.event);
  };

  return {
    server,
    createEventBus,
    published: publishedOn,
    subscribe(pattern, handler, bus) {
      const invalid = eventPatternError(pattern);
      if (invalid !== undefined) throw new Error(invalid);
      const consumer = { pattern, handler, ...(bus !== undefined && { bus: busNamed(bus) ?? bus }) };
      consumers.add(consumer);
      return () => void consumers.delete(consumer);
    },
    async close() {
      while (deliveries.size > 0) await Promise.all([...deliveries]);
      sqs?.destroy();
    },
  };
}

/** What an SQS target receives: the event (JSON), the target's constant Input, or the part its InputPath names. */
function targetInput(event: EventBridgeEvent, target: Target): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath === undefined || target.InputPath === '$') return JSON.stringify(event);
  let value: unknown = event;
  for (const step of target.InputPath.replace(/^\$\.?/, '').split('.'))
    value = typeof value === 'object' && value !== null ? (value as Input)[step] : undefined;
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

/** A page of a List action: `Limit` items from the position its NextToken names. */
function page<T>(items: T[], input: Input, key: string): Record<string, unknown> {
  const start = Number(input.NextToken ?? 0) || 0;
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : 100;
  const end = start + limit;
  return { [key]: items.slice(start, end), ...(end < items.length && { NextToken: String(end) }) };
}

/** Reads one AWS JSON 1.1 request and answers it: the action's result, or its error as EventBridge answers one. */
async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  actions: Record<string, (input: Input) => unknown>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  };
  const target = String(req.headers['x-amz-target'] ?? '');
  const name = target.startsWith('AWSEvents.') ? target.slice('AWSEvents.'.length) : '';
  const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (req.method !== 'POST' || action === undefined)
    return reply(400, {
      __type: 'UnknownOperationException',
      message: `The local EventBridge does not answer ${target || req.method}`,
    });
  try {
    const text = Buffer.concat(chunks).toString('utf8');
    const input = text === '' ? {} : (JSON.parse(text) as Input);
    reply(200, action(input));
  } catch (error) {
    if (error instanceof ApiError) return reply(400, { __type: error.code, message: error.message });
    if (error instanceof SyntaxError) return reply(400, { __type: 'SerializationException', message: error.message });
    reply(500, { __type: 'InternalException', message: String(error) });
  }
}
