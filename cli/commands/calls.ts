import { createCallStore } from '../../lib/store/call-store';
import { listByFirstSeen } from '../../lib/store/list-by-first-seen';
import type { CallRecord } from '../../lib/calls/call-record';
import { withReadableCost } from '../record-cost';
import { sinceOption } from '../since';
import { CliError } from '../output';
import type { Target } from '../target';

export async function showCall(target: Target, callId: string | undefined) {
  if (!callId) throw new CliError('usage: webhooks calls show <call_id>');
  const call = await createCallStore(target.table).get(callId);
  if (call === undefined) throw new CliError(`call ${callId} not found`);
  return call;
}

/** `calls show` without --json: the price (`pending` once ended and not priced yet) and the reconciler's marks. */
export function readableCall(call: CallRecord) {
  return withReadableCost(call, call.state === 'ended');
}

/** `calls list [--since ISO]`: calls first seen since then (default: the last 24 h), newest first. */
export async function listCalls(target: Target, since: string | undefined) {
  const records = await listByFirstSeen(target.table, 'call', sinceOption(since));
  return records.map((r) => ({
    call_id: r.id,
    state: r.state ?? null,
    direction: r.direction ?? null,
    first_seen_at: r.first_seen_at,
    duration_seconds: r.duration_seconds ?? null,
    price: r.price ?? null,
    price_unit: r.price_unit ?? null,
  }));
}
