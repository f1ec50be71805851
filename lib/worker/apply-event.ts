import { applyCallStatus, type CallStore } from '../calls/apply-call-status';
import { normalizeCallStatus } from '../calls/normalize-call-status';
import { PermanentError } from '../errors';
import type { WebhookEnvelope } from '../ingest/envelope';

export interface Stores {
  calls: CallStore;
}

/** Routes one queued event to the use case of its kind; resolves to a short outcome for the log. */
export async function applyEvent(envelope: WebhookEnvelope, stores: Stores): Promise<string> {
  switch (envelope.kind) {
    case 'call.status':
      return applyCallStatus(normalizeCallStatus(envelope.payload, envelope.received_at), stores.calls);
    default:
      throw new PermanentError(`no handler for event kind ${envelope.kind}`);
  }
}
