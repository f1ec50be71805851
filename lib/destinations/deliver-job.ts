import { errorMessage, PermanentError } from '../errors';
import { checkOutboundUrl, type CheckedUrl, type ResolveHost } from '../security/outbound-url';
import type { DeliveryJob } from './delivery-job';
import type { Destination } from './destination';
import type { PostEvent } from './post-event';
import { judgeAttempt, type AttemptVerdict } from './retry-policy';
import { eventPostHeaders } from './sign-event';

export interface DeliverDeps {
  resolveHost: ResolveHost;
  /** DESTINATIONS_ALLOW_LOOPBACK: the local stack and tests only. */
  allowLoopback: boolean;
  /** The destination's `whsec_` secret (its SSM parameter, cached); rejects when it cannot be read or is malformed. */
  signingSecret(destination: string): Promise<string>;
  post: PostEvent;
  timeoutMs: number;
  maxBodyBytes: number;
  now?: () => number;
}

/**
 * One try of a job: the destination's URL checked against SSRF where it resolves now (a refusal is final; a name that
 * does not resolve is retried), the event serialized once and that text both signed and sent, the answer judged by
 * the retry policy. Rejects only when the secret cannot be had (retried: the operator may be creating it).
 */
export async function deliverJob(
  job: DeliveryJob,
  destination: Destination,
  deps: DeliverDeps,
): Promise<AttemptVerdict> {
  let target: CheckedUrl;
  try {
    target = await checkOutboundUrl(destination.url, deps.resolveHost, {
      what: 'destination url',
      allowLoopback: deps.allowLoopback,
    });
  } catch (error) {
    const reason = errorMessage(error);
    return error instanceof PermanentError
      ? { kind: 'final', reason }
      : { kind: 'retry', reason: `could not resolve the destination's host: ${reason}` };
  }
  const secret = await deps.signingSecret(destination.name);
  const payload = JSON.stringify(job.event);
  const at = new Date((deps.now ?? Date.now)());
  const outcome = await deps.post({
    url: target.url,
    address: target.addresses[0]!,
    headers: eventPostHeaders(secret, job.event.id, at, payload),
    body: payload,
    timeoutMs: deps.timeoutMs,
    maxBodyBytes: deps.maxBodyBytes,
  });
  return judgeAttempt(outcome, at.getTime());
}
