import { errorMessage } from '../errors';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DomainEvent } from '../events/domain-event';
import type { Forwarded } from './forward-event';

/** One forwarded event, as `webhooks listen` prints it (`--json`: this object, one per line). */
export interface ForwardReport {
  /** When the answer came (ISO 8601). */
  time: string;
  type: string;
  id: string;
  subject: string;
  /** The answer's HTTP status; null when there was none (`error` says why). */
  status: number | null;
  latency_ms: number;
  error?: string;
}

export interface ForwardLoopDeps {
  sqs: SQSClient;
  queueUrl: string;
  /** Aborted by Ctrl-C: the long poll under way is cut, the event being forwarded finishes, the rest is left. */
  signal: AbortSignal;
  forward(event: DomainEvent): Promise<Forwarded>;
  report(forwarded: ForwardReport): void;
  /** A message that is no event, a failed delete, a failed receive that will be tried again. */
  warn(text: string): void;
  now?: () => number;
}

/** Consecutive failed receives (each after the SDK's own retries) before the session gives up. */
const MAX_RECEIVE_FAILURES = 5;
const RECEIVE_RETRY_MS = 2000;

/**
 * Long-polls the session's queue until `signal` aborts, forwarding each event once, in the order received, and deleting
 * its message whatever the answer: a failed forward is reported, never retried (the developer's server is being
 * worked on; re-run what made the event instead). A receive that fails is tried again a few times, then rejects.
 */
export async function forwardFromQueue(deps: ForwardLoopDeps): Promise<void> {
  const { sqs, queueUrl, signal } = deps;
  const now = deps.now ?? Date.now;
  let failures = 0;
  while (!signal.aborted) {
    let messages: Message[];
    try {
      messages = await receive(sqs, queueUrl, 1, 20, signal);
      if (messages.length > 0) messages.push(...(await receive(sqs, queueUrl, 9, 0, signal)));
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (++failures >= MAX_RECEIVE_FAILURES) throw error;
      deps.warn(`could not receive from the queue (${errorMessage(error)}); trying again`);
      await pause(RECEIVE_RETRY_MS, signal);
      continue;
    }
    for (const message of messages) {
      if (signal.aborted) return;
      const event = domainEventOf(message.Body);
      if (typeof event === 'string') deps.warn(`skipped message ${message.MessageId}: ${event}`);
      else {
        const { outcome, latencyMs } = await deps.forward(event);
        deps.report({
          time: new Date(now()).toISOString(),
          type: event.type,
          id: event.id,
          subject: event.subject,
          status: outcome.kind === 'answered' ? outcome.status : null,
          latency_ms: latencyMs,
          ...(outcome.kind === 'timeout' && { error: `no answer within ${outcome.timeoutMs} ms` }),
          ...(outcome.kind === 'network' && { error: outcome.message }),
        });
      }
      await sqs
        .send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }))
        .catch((error: unknown) => deps.warn(`could not delete message ${message.MessageId}: ${errorMessage(error)}`));
    }
  }
}

/**
 * One receive. The long poll asks for one message: SQS answers it as soon as one is there, and so does the local
 * emulator, which holds a long poll for more until it has them all or the wait is over (docs/testing.md, local stack
 * fidelity); what else is waiting is then taken without waiting.
 */
async function receive(
  sqs: SQSClient,
  queueUrl: string,
  max: number,
  waitSeconds: number,
  signal: AbortSignal,
): Promise<Message[]> {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds }),
    { abortSignal: signal },
  );
  return received.Messages ?? [];
}

/**
 * The DomainEvent in an SQS message an EventBridge rule sent (the whole EventBridge event, its `detail` the
 * DomainEvent), or why it is none. Checked as far as the listen line needs; the body is forwarded as it came.
 */
function domainEventOf(body: string | undefined): DomainEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return 'not JSON';
  }
  const detail = (parsed as { detail?: unknown } | null)?.detail as Partial<DomainEvent> | undefined;
  if (detail === null || typeof detail !== 'object') return 'not an EventBridge event with a detail';
  for (const field of ['id', 'type', 'subject'] as const)
    if (typeof detail[field] !== 'string') return `its detail has no ${field}: not one of our events`;
  return detail as DomainEvent;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
