import type { Context } from './context';
import { roomShows } from './context';

/**
 * Maps every dead letter to the delivery it wraps and checks it: a reason, and poison (invalid) or exhausted. SQS's
 * own redrive attaches no reason: the worker's last recorded error is it, or, when the worker was killed or timed
 * out on every delivery (`crashes` happened), that is the reason (the DLQ tools say so).
 */
export function checkDeadLetters(
  ctx: Context,
  crashes: number,
): { invalid: number; exhausted: number; reconcile_reports: number } {
  const byBody = new Map<string, number>();
  for (const d of ctx.deliveries.values()) byBody.set(d.method === 'POST' ? d.body : d.path, d.id);
  const tally = { invalid: 0, exhausted: 0, reconcile_reports: 0 };
  for (const letter of ctx.input.deadLetters) {
    let envelope: {
      event_id?: string;
      body?: string;
      route?: string;
      source?: string;
      payload?: Record<string, unknown>;
    } = {};
    try {
      envelope = JSON.parse(letter.body);
    } catch {
      // not an envelope: reported below as unknown
    }
    if (envelope.source === 'reconcile') {
      // A reconciler report that failed on every receive: the record stays open, so a later run asks and reports
      // again (checkReconciled judges the record). A report the worker found invalid is a bug.
      tally.reconcile_reports++;
      if (letter.attributes.failure_category === 'invalid')
        ctx.problem(
          'wrong_final_state',
          `reconcile report ${envelope.event_id} dead-lettered as invalid: ${letter.attributes.failure_reason}`,
        );
      continue;
    }
    // A GET (an SWML fetch) has no body: its query names it.
    const query = envelope.route?.startsWith('GET ')
      ? `/swml?${new URLSearchParams(envelope.payload as Record<string, string>)}`
      : undefined;
    const id = byBody.get(query ?? String(envelope.body));
    if (id === undefined) {
      ctx.problem('wrong_final_state', `dead letter ${letter.body.slice(0, 80)} wraps no delivery that was sent`);
      continue;
    }
    ctx.dead.set(id, [...(ctx.dead.get(id) ?? []), letter]);
    const crashed = crashes > 0 ? 'moved by SQS: the worker died or timed out on every delivery' : undefined;
    const reason = letter.attributes.failure_reason || ctx.item(`FAILURE#${envelope.event_id}`)?.last_error || crashed;
    const category = letter.attributes.failure_category || 'exhausted';
    const poison = ctx.deliveries.get(id)!.effect.kind === 'poison';
    if (!reason)
      ctx.problem(
        'wrong_final_state',
        `dead letter of delivery ${id} (event ${envelope.event_id}, received ${letter.receiveCount} times) has no reason`,
      );
    if (category === 'invalid') {
      tally.invalid++;
      if (!poison)
        ctx.problem(
          'wrong_final_state',
          `delivery ${id} (${ctx.deliveries.get(id)!.effect.kind}) dead-lettered as invalid: ${reason}`,
        );
    } else {
      // A poison delivery may get here too: its dead-lettering failed (faults) until SQS moved it. Still in the DLQ.
      tally.exhausted++;
    }
  }
  return tally;
}

/**
 * Replies: each inbound keyword message the product received gets exactly one reply accepted by the stand-in API,
 * credited to it alone (its claim's reply_sid); the API accepted no other message. A message dead-lettered before
 * its claim settled may have had its reply sent (by a worker that died before recording it): zero or one then.
 */
export function checkReplies(ctx: Context): { expected: number; sent: number } {
  const created = ctx.input.created;
  const createdSids = new Set(created.map((m) => m.sid));
  const credited = new Map<string, string>();
  const customers = new Map<string, { settled: number; unsettled: number; claims: string[] }>();
  for (const [messageId, deliveries] of ctx.group('inbound', (e) => e.messageId)) {
    const effect = deliveries[0]!.effect as { keyword: boolean; from: string };
    if (!effect.keyword || ctx.item(`MESSAGE#${messageId}`) === undefined) continue;
    const claim = ctx.item(`REPLY#${messageId}`);
    const customer = customers.get(effect.from) ?? { settled: 0, unsettled: 0, claims: [] };
    customers.set(effect.from, customer);
    customer.claims.push(`${messageId}: ${claim?.status ?? 'no claim'}`);
    const sid = claim?.reply_sid;
    if (claim?.status !== 'sent' || typeof sid !== 'string') {
      if (deliveries.some((d) => ctx.dead.has(d.id))) customer.unsettled++;
      else ctx.problem('lost', `reply to ${messageId}: claim ${claim?.status ?? 'missing'}, no reply recorded`);
      continue;
    }
    customer.settled++;
    if (!createdSids.has(sid))
      ctx.problem('wrong_final_state', `reply to ${messageId}: credited ${sid}, which the API never accepted`);
    if (credited.has(sid))
      ctx.problem(
        'wrong_final_state',
        `replies to ${messageId} and ${credited.get(sid)} credited to one sent reply ${sid}`,
      );
    credited.set(sid, messageId);
  }
  const perCustomer = new Map<string, number>();
  for (const m of created) perCustomer.set(m.to, (perCustomer.get(m.to) ?? 0) + 1);
  let expected = 0;
  for (const [customer, c] of customers)
    expected += c.settled + Math.min(c.unsettled, Math.max(0, (perCustomer.get(customer) ?? 0) - c.settled));
  for (const [customer, n] of perCustomer) {
    const c = customers.get(customer) ?? { settled: 0, unsettled: 0, claims: [] };
    const most = c.settled + c.unsettled;
    if (n > most)
      ctx.problem(
        'double_applied',
        `${n} replies sent to ${customer}, at most ${most} expected (${c.claims.join(', ')})`,
        n - most,
      );
  }
  return { expected, sent: created.length };
}

/** Notifications: at most one per event (SNS cannot deduplicate, so a second publish reaches every subscriber). */
export function checkNotifications(ctx: Context): { published: number; expected: number } {
  const expected = new Set<string>();
  for (const [messageId] of ctx.group('inbound', (e) => e.messageId))
    if (ctx.item(`MESSAGE#${messageId}`)) expected.add(`message.inbound:${messageId}`);
  for (const d of ctx.deliveries.values()) {
    const e = d.effect;
    if (e.kind === 'video' && e.notifies && roomShows(ctx.input.rooms.get(e.roomSessionId), e.eventKey))
      expected.add(e.notifies);
  }
  const counts = new Map<string, number>();
  for (const p of ctx.input.published) counts.set(p.eventKey, (counts.get(p.eventKey) ?? 0) + 1);
  for (const [key, n] of counts) {
    if (!expected.has(key)) ctx.problem('wrong_final_state', `notification ${key} published for no applied event`);
    if (n > 1) ctx.problem('double_applied', `notification ${key} published ${n} times`, n - 1);
  }
  return { published: ctx.input.published.length, expected: expected.size };
}
