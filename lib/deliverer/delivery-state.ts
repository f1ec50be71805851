import type { DeliveryJob } from '../destinations/delivery-job';
import type { AttemptVerdict } from '../destinations/retry-policy';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type {
  DestinationDeliveryState,
  DestinationDeliveryStatus,
  LastDeliveryStatus,
} from '../store/destination-delivery-store';

/** Files a try's state for operators (lib/store/destination-delivery-store.ts). */
export type RecordDeliveryState = (state: DestinationDeliveryState) => Promise<void>;

/**
 * The latest try's status as operators read it: the receiver's HTTP status; else `refused` when we refused to call
 * (a final verdict without an answer: an SSRF refusal, a destination no longer configured), `timeout` when the
 * receiver took too long (lib/destinations/retry-policy.ts judgeAttempt: "no answer within"), `network` otherwise
 * (no connection, a name that does not resolve, the signing secret unreadable).
 */
export function lastStatusOf(verdict: AttemptVerdict): LastDeliveryStatus {
  if (verdict.status !== undefined) return verdict.status;
  if (verdict.kind === 'final') return 'refused';
  return verdict.kind === 'retry' && verdict.reason.startsWith('no answer within') ? 'timeout' : 'network';
}

/** The state a try leaves the job in: what the deliverer decided, with when it comes back when it does. */
export function deliveryStateOf(
  job: DeliveryJob,
  verdict: AttemptVerdict,
  settled: { status: DestinationDeliveryStatus; attempts: number; now: number; retryInSeconds?: number },
): DestinationDeliveryState {
  return {
    event_id: job.event.id,
    event_type: job.event.type,
    destination: job.destination,
    status: settled.status,
    attempts: settled.attempts,
    last_status: lastStatusOf(verdict),
    ...(verdict.kind !== 'delivered' && { last_error: verdict.reason }),
    ...(settled.status === 'retrying' &&
      settled.retryInSeconds !== undefined && {
        next_attempt_at: new Date(settled.now + settled.retryInSeconds * 1000).toISOString(),
      }),
    updated_at: new Date(settled.now).toISOString(),
  };
}

/**
 * Files the state, never failing the delivery: the receiver's answer is what counts, the state only tells operators
 * about it. A write that fails is logged and counted (DeliveryStateNotRecorded), and the next try writes it anew.
 */
export async function recordStateSafely(
  record: RecordDeliveryState | undefined,
  state: DestinationDeliveryState,
  log: Logger,
  metrics: Metrics | undefined,
  dimensions: Record<string, string>,
): Promise<void> {
  if (record === undefined) return;
  try {
    await record(state);
  } catch (error) {
    log.warn('could not record the delivery state', {
      event_id: state.event_id,
      destination: state.destination,
      status: state.status,
      error,
    });
    metrics?.count('DeliveryStateNotRecorded', dimensions);
  }
}
