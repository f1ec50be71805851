import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { resolveTarget, type Target } from '../../cli/target';
import { createArchiveStore, type ArchiveStore } from '../../lib/archive/archive-store';
import { GetCommand } from '../../lib/store/commands';
import { reconcileEnvelope, type ReconcilePayload } from '../../lib/reconcile/reconcile-payload';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

/**
 * The reconciler's reports against real webhooks for the same call, through the real queue and worker: whichever
 * comes second changes nothing it should not (one final state, one price, one call in the stats), in either order and
 * at once. The reports are put on the queue as the reconciler puts them (lib/reconcile/reconcile-payload.ts).
 */
describe('reconcile reports and late webhooks (queue -> worker -> DynamoDB, emulators)', () => {
  let stack: TestStack;
  let target: Target;
  let archive: ArchiveStore;
  before(async () => {
    stack = await startTestStack();
    target = await resolveTarget({ stackFile: stack.stackFile });
    archive = createArchiveStore(target.table);
  });
  after(async () => {
    target?.close();
    await stack?.stop();
  });

  const webhook = (sid: string, status: string, extra: Record<string, string> = {}) =>
    fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        CallSid: sid,
        CallStatus: status,
        From: '+15550001111',
        To: '+15550002222',
        Direction: 'inbound',
        ...extra,
      }).toString(),
    }).then((response) => assert.equal(response.status, 200));
  const report = async (payload: ReconcilePayload, kind: 'call.status' | 'message.status' = 'call.status') => {
    await target.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queueUrl,
        MessageBody: JSON.stringify(reconcileEnvelope(kind, payload)),
      }),
    );
  };
  const completed = (sid: string, price: string | null) =>
    ({
      reconcile: 'state',
      api: 'compat',
      record_id: sid,
      resource: {
        sid,
        status: 'completed',
        direction: 'inbound',
        from: '+15550001111',
        to: '+15550002222',
        start_time: 'Mon, 07 Dec 2026 10:00:00 +0000',
        end_time: 'Mon, 07 Dec 2026 10:01:30 +0000',
        duration: '75',
        price,
        price_unit: 'USD',
      },
    }) as const;
  const show = async (sid: string) => (await stack.cli(['calls', 'show', sid])).json;
  const item = async (sid: string) =>
    (
      await target.table.client.send(
        new GetCommand({
          TableName: target.table.tableName,
          Key: { pk: `CALL#${sid}`, sk: 'CALL' },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const archived = async (naturalKey: string, count: number) =>
    waitFor(
      async () => {
        const entries = await archive.listProcessed(new Date(Date.now() - 600_000).toISOString());
        const mine = entries.filter((e) => e.natural_key === naturalKey);
        return mine.length >= count ? mine : undefined;
      },
      15_000,
      `${count} archive entries for ${naturalKey}`,
    );

  it('a call whose end was lost: the report ends it with SignalWire times, duration and price, and closes it', async () => {
    await webhook('CA-lost-end', 'in-progress');
    await waitFor(async () => ((await item('CA-lost-end'))?.open_pk ? true : undefined), 10_000, 'open call');
    await report(completed('CA-lost-end', '-0.00650'));
    const call = await waitFor(async () => {
      const c = await show('CA-lost-end');
      return c?.state === 'ended' && c.price !== undefined && c.price !== null ? c : undefined;
    });
    assert.equal(call.duration_seconds, 75);
    assert.equal(call.price, 0.0065);
    assert.equal(call.price_unit, 'USD');
    assert.equal(call.end_reason, 'completed');
    assert.deepEqual(call.timeline.at(-1), { state: 'ended', at: '2026-12-07T10:01:30.000Z' });
    const stored = await item('CA-lost-end');
    assert.equal(stored?.open_pk, undefined, 'closed: out of the open index');
    assert.equal(stored?.lookup, 'compat:CA-lost-end');
  });

  it('report first, late webhook second: one ended, the webhook is a duplicate', async () => {
    await webhook('CA-r-first', 'in-progress');
    await report(completed('CA-r-first', '-0.01'));
    await waitFor(async () => ((await show('CA-r-first'))?.state === 'ended' ? true : undefined));
    await webhook('CA-r-first', 'completed', { CallDuration: '80' });
    const [entry] = await archived('call:CA-r-first:ended', 2).then((all) =>
      all.filter((e) => e.status === 'duplicate'),
    );
    assert.ok(entry, 'the late webhook was archived as a duplicate');
    const call = await show('CA-r-first');
    assert.equal(call.timeline.filter((t: { state: string }) => t.state === 'ended').length, 1);
    assert.equal(call.duration_seconds, 75, 'the first report stays');
    assert.equal(call.price, 0.01);
  });

  it('webhook first, report second: the report only adds the price and closes', async () => {
    await webhook('CA-w-first', 'completed', { CallDuration: '80' });
    await waitFor(async () => ((await show('CA-w-first'))?.state === 'ended' ? true : undefined));
    await report(completed('CA-w-first', '-0.02'));
    const call = await waitFor(async () => {
      const c = await show('CA-w-first');
      return typeof c?.price === 'number' ? c : undefined;
    });
    assert.equal(call.duration_seconds, 80, 'the webhook came first: its duration stays');
    assert.equal(call.price, 0.02);
    assert.equal((await item('CA-w-first'))?.open_pk, undefined);
    // The same report again changes nothing.
    await report(completed('CA-w-first', '-0.03'));
    const entries = await archived('call:CA-w-first:ended', 3);
    assert.deepEqual(
      entries.map((e) => e.status).sort(),
      ['applied', 'applied', 'duplicate'],
      entries.map((e) => `${e.status} ${e.outcome}`).join(' | '),
    );
    assert.equal((await show('CA-w-first')).price, 0.02);
  });

  it('both at once, ten times each: one final state, one price', async () => {
    await webhook('CA-both', 'in-progress');
    await Promise.all([
      ...Array.from({ length: 10 }, () => webhook('CA-both', 'completed', { CallDuration: '75' })),
      ...Array.from({ length: 10 }, () => report(completed('CA-both', '-0.04'))),
    ]);
    const call = await waitFor(async () => {
      const c = await show('CA-both');
      return c?.state === 'ended' && typeof c.price === 'number' ? c : undefined;
    });
    await archived('call:CA-both:ended', 20);
    assert.equal(call.timeline.filter((t: { state: string }) => t.state === 'ended').length, 1);
    assert.equal(call.price, 0.04);
    assert.equal(call.duration_seconds, 75);
    assert.equal((await item('CA-both'))?.open_pk, undefined);
  });

  it('a call SignalWire does not know is marked unknown once, and leaves the open index', async () => {
    await webhook('CA-unknown', 'ringing');
    await waitFor(async () => ((await item('CA-unknown'))?.open_pk ? true : undefined));
    const unknown = {
      reconcile: 'unknown',
      api: 'compat',
      record_id: 'CA-unknown',
      reason: 'SignalWire does not know this call',
    } as const;
    await report(unknown);
    await report(unknown);
    const entries = await archived('call:CA-unknown:unknown', 2);
    assert.deepEqual(entries.map((e) => e.outcome).sort(), ['duplicate', 'marked-unknown']);
    const call = await show('CA-unknown');
    assert.equal(call.state, 'ringing');
    assert.equal(call.reconcile, 'unknown');
    assert.equal(call.reconcile_reason, 'SignalWire does not know this call');
    assert.equal((await item('CA-unknown'))?.open_pk, undefined);
  });
});
