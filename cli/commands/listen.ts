import { randomBytes } from 'node:crypto';
import { checkSigningSecret } from '../../lib/destinations/sign-event';
import type { EventType } from '../../lib/events/domain-event';
import { parseEventTypes } from '../../lib/listen/event-types-option';
import { forwardEvent } from '../../lib/listen/forward-event';
import { type ForwardReport, forwardFromQueue } from '../../lib/listen/forward-from-queue';
import { HEARTBEAT_MS, openSubscription, removeLeftovers } from '../../lib/listen/listen-subscription';
import { CliError } from '../output';
import type { Target } from '../target';

export interface ListenOptions {
  forward?: string;
  types?: string;
  secret?: string;
  json?: boolean;
}

/** One forward's time limit, connecting included (a destination's default, DELIVER_TIMEOUT_MS). */
const FORWARD_TIMEOUT_MS = 10_000;
/** Standard Webhooks takes 24 to 64 random bytes; 32, as most providers' secrets. */
const SECRET_BYTES = 32;

/**
 * `webhooks listen --forward URL`: the stage's events, forwarded to a URL on the developer's machine as a destination
 * gets them (signed per Standard Webhooks), until Ctrl-C, like `stripe listen`. It subscribes for as long as it runs,
 * with a rule and a queue of its own on the stage's bus (lib/listen/listen-subscription.ts), so it needs no deploy and
 * leaves nothing behind: on Ctrl-C, SIGTERM or an error the target, the rule and the queue are removed, and what a
 * session killed outright left is removed by the next one.
 */
export async function listen(target: Target, options: ListenOptions): Promise<void> {
  const url = forwardUrl(options.forward);
  const types = cliOption(() => parseEventTypes(options.types));
  const given = options.secret;
  const secret = given === undefined ? undefined : cliOption(() => checkSigningSecret(given, '--secret'));
  const signingSecret = secret ?? `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { eventBridge, busName } = await target.eventBus();
    const clients = { eventBridge, sqs: target.sqs };
    // What sessions killed without cleaning up left on this bus (their sessions stopped marking themselves alive).
    await removeLeftovers(clients, busName).then(
      (names) => {
        for (const name of names) process.stderr.write(`removed the rule and queue ${name} a stopped listen left\n`);
      },
      (error: unknown) => process.stderr.write(`webhooks listen: could not remove leftovers: ${messageOf(error)}\n`),
    );
    const subscription = await openSubscription(clients, busName, types);
    const heartbeat = setInterval(
      () =>
        subscription.touch().catch((error: unknown) => {
          process.stderr.write(`webhooks listen: could not mark the session alive: ${messageOf(error)}\n`);
        }),
      HEARTBEAT_MS,
    );
    let failure: unknown;
    try {
      process.stderr.write(
        banner(busName, subscription.name, url, types, secret === undefined ? signingSecret : undefined),
      );
      await forwardFromQueue({
        sqs: target.sqs,
        queueUrl: subscription.queueUrl,
        signal: controller.signal,
        forward: (event) => forwardEvent(event, { url, secret: signingSecret }, { timeoutMs: FORWARD_TIMEOUT_MS }),
        report: (forwarded) =>
          process.stdout.write(`${options.json ? JSON.stringify(forwarded) : forwardLine(forwarded)}\n`),
        warn: (text) => process.stderr.write(`webhooks listen: ${text}\n`),
      });
    } catch (error) {
      failure = error;
    }
    clearInterval(heartbeat);
    process.stderr.write(`removing rule and queue ${subscription.name}...\n`);
    try {
      await subscription.close();
    } catch (left) {
      throw failure === undefined ? left : new Error(`${messageOf(failure)}; ${messageOf(left)}`, { cause: failure });
    }
    if (failure !== undefined) throw failure;
    process.stderr.write('removed; stopped\n');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** `--forward`: required, http or https; any host (loopback is what it is for: the URL is the developer's own). */
function forwardUrl(text: string | undefined): URL {
  if (text === undefined) throw new CliError('usage: webhooks listen --forward URL (e.g. http://localhost:8080/hooks)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--forward ${JSON.stringify(text)} is not a URL (e.g. http://localhost:8080/hooks)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`--forward must be an http or https URL, got ${url.protocol}//`);
  return url;
}

/** An option's own check, its message as the CLI prints a mistake (no stack trace). */
function cliOption<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new CliError(messageOf(error));
  }
}

/** On stderr, so `--json`'s stdout is deliveries only. `newSecret`: the one generated for this session, to print. */
function banner(busName: string, name: string, url: URL, types: EventType[] | undefined, newSecret?: string): string {
  return [
    `listening on ${busName} for ${types?.join(', ') ?? 'every event type'} (rule and queue ${name}, removed on exit)`,
    ...(newSecret === undefined
      ? []
      : [`your webhook signing secret is ${newSecret} (a new one each session; --secret whsec_... keeps one)`]),
    `Ready! Forwarding to ${url.href}; a failed forward is printed, not retried (Ctrl-C to quit)`,
    '',
  ].join('\n');
}

/** `10:30:00.123  Call Ended             evt_...  call/c-1  200  12 ms`; a failure says what and that it is not retried. */
function forwardLine(forwarded: ForwardReport): string {
  const ok = forwarded.status !== null && forwarded.status >= 200 && forwarded.status < 300;
  const answer = forwarded.status === null ? '---' : String(forwarded.status);
  const why = forwarded.error === undefined ? '' : `  ${forwarded.error}`;
  return `${forwarded.time.slice(11, 23)}  ${forwarded.type.padEnd(22)} ${forwarded.id}  ${forwarded.subject}  ${answer}  ${forwarded.latency_ms} ms${why}${ok ? '' : '  (not retried)'}`;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
