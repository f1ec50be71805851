import type { CallPlan, Delivery, MessagePlan } from '../scenario';
import type { Context } from './context';
import type { Item } from './read-state';

/** The reconciler's share of a run: records whose webhooks SignalWire gave up on, and what became of them. */
export interface RestorationTally {
  /** Calls and messages with at least one delivery the sender gave up on. */
  records_with_drops: number;
  /** Of those, in SignalWire's final state, duration and price, and closed. */
  restored: number;
  /** Records whose final-state webhook never reached us (dropped, refused or dead-lettered), yet show that state. */
  final_states_restored: number;
  /** Records with drops of which nothing reached the store (every other delivery refused or dead-lettered). */
  unreachable: number;
  /** Scenario records a reconcile report changed (`reconciled_at` set): their price, duration or close. */
  records_reconciled: number;
}

const samePrice = (actual: unknown, expected: number) =>
  typeof actual === 'number' && Math.abs(actual - expected) < 1e-9;

function priceDifferences(item: Item, price: number | null): string[] {
  if (price === null) return item.price === undefined ? [] : [`price ${item.price}, none expected (not billed)`];
  return samePrice(item.price, price) && item.price_unit === 'USD'
    ? []
    : [`price ${item.price ?? 'none'} ${item.price_unit ?? ''}, SignalWire charged ${price} USD`];
}

/** Nothing more to learn: out of the open index, and never marked unknown (SignalWire knows every one of them). */
function closedDifferences(item: Item): string[] {
  return [
    ...(item.open_pk !== undefined ? ['still in the open index'] : []),
    ...(item.reconcile === 'unknown' ? [`marked unknown (${item.reconcile_reason})`] : []),
  ];
}

/**
 * How a call's record differs from SignalWire's final word on it (empty once it matches): ended, its talk time (a
 * call never answered has none, or SignalWire's 0 s: its voice logs say 0), its price once priced, closed.
 */
export function callDifferences(item: Item, plan: CallPlan): string[] {
  const duration = item.duration_seconds ?? null;
  const durationOk =
    plan.durationSeconds === null ? duration === null || duration === 0 : duration === plan.durationSeconds;
  return [
    ...(item.state === 'ended' ? [] : [`state ${item.state}, SignalWire says ended`]),
    ...(durationOk ? [] : [`duration ${duration}, SignalWire says ${plan.durationSeconds}`]),
    ...priceDifferences(item, plan.price),
    ...closedDifferences(item),
  ];
}

/** How an outbound message's record differs from SignalWire's final word on it: its status, its price, closed. */
export function messageDifferences(item: Item, plan: MessagePlan): string[] {
  return [
    ...(item.status === plan.status ? [] : [`status ${item.status}, SignalWire says ${plan.status}`]),
    ...priceDifferences(item, plan.price),
    ...closedDifferences(item),
  ];
}

const stateOf = (d: Delivery) =>
  d.effect.kind === 'call' ? d.effect.state : d.effect.kind === 'status' ? d.effect.status : undefined;

/**
 * Every scenario call and outbound message in the store is in SignalWire's final state, duration and price, and
 * closed, whether its webhooks arrived or the sender gave up on some: the scheduled reconciler asked SignalWire and
 * its reports were applied (the state checks, run as well, find any state applied twice or never sent). A record
 * absent from the store is judged by checkNothingLost: it may be absent only if nothing of it was acknowledged.
 */
export function checkReconciled(ctx: Context): RestorationTally {
  const tally: RestorationTally = {
    records_with_drops: 0,
    restored: 0,
    final_states_restored: 0,
    unreachable: 0,
    records_reconciled: 0,
  };
  const dropped = new Set(ctx.input.results.filter((r) => r.dropped).map((r) => r.delivery.id));
  const judge = (
    pk: string,
    what: string,
    deliveries: Delivery[],
    finalState: string,
    differences: string[] | undefined,
  ) => {
    const drops = deliveries.filter((d) => dropped.has(d.id));
    if (drops.length > 0) tally.records_with_drops++;
    const item = ctx.item(pk);
    if (item === undefined || differences === undefined) {
      if (drops.length > 0) tally.unreachable++;
      return;
    }
    if (item.reconciled_at !== undefined) tally.records_reconciled++;
    if (differences.length > 0) {
      const lost = drops.length > 0 ? ` (webhooks dropped: ${drops.map(stateOf).join(', ')})` : '';
      ctx.problem('wrong_final_state', `${what}: ${differences.join('; ')}${lost}`);
      return;
    }
    if (drops.length > 0) tally.restored++;
    if (!deliveries.some((d) => stateOf(d) === finalState && ctx.required(d))) tally.final_states_restored++;
  };
  const callDeliveries = ctx.group('call', (e) => e.callId);
  for (const plan of ctx.input.calls) {
    const item = ctx.item(`CALL#${plan.callId}`);
    judge(
      `CALL#${plan.callId}`,
      `call ${plan.callId} (${plan.shape})`,
      callDeliveries.get(plan.callId) ?? [],
      'ended',
      item && callDifferences(item, plan),
    );
  }
  const statusDeliveries = ctx.group('status', (e) => e.messageId);
  for (const plan of ctx.input.messages) {
    const item = ctx.item(`MESSAGE#${plan.messageId}`);
    judge(
      `MESSAGE#${plan.messageId}`,
      `message ${plan.messageId} (${plan.shape})`,
      statusDeliveries.get(plan.messageId) ?? [],
      plan.status,
      item && messageDifferences(item, plan),
    );
  }
  return tally;
}
