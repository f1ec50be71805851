import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { tailArchive } from '../../cli/commands/tail';
import { resolveTarget, type Target } from '../../cli/target';
import { archiveEntryOf } from '../../lib/archive/archive-entry';
import { createArchiveStore } from '../../lib/archive/archive-store';
import { createEnvelope } from '../../lib/envelope/envelope';
import { listByFirstSeen } from '../../lib/store/list-by-first-seen';
import { UpdateCommand } from '../../lib/store/commands';
import { PROJECT_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);

async function post(stack: TestStack, route: string, body: object): Promise<void> {
  const response = await fetch(`${stack.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
}

describe('cost and the reconciler marks where operators read calls, messages and deliveries', () => {
  let stack: TestStack;
  let target: Target;
  /** The real bin without --json: what an operator reads. */
  const readable = async (args: string[]) =>
    (
      await run(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), ...args], {
        env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile },
      })
    ).stdout;
  /** Sets attributes on a record as the worker does when it applies what the reconciler learned. */
  const setOn = (pk: string, fields: Record<string, unknown>) =>
    target.table.client.send(
      new UpdateCommand({
        TableName: target.table.tableName,
        Key: { pk, sk: pk.slice(0, pk.indexOf('#')) },
        UpdateExpression: `SET ${Object.keys(fields)
          .map((_name, i) => `#n${i} = :v${i}`)
          .join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((name, i) => [`#n${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(Object.values(fields).map((value, i) => [`:v${i}`, value])),
      }),
    );

  before(async () => {
    stack = await startTestStack();
    target = await resolveTarget({ stackFile: stack.stackFile });
  });
  after(async () => {
    target?.close();
    await stack?.stop();
  });

  it('`calls show` prints the price, `pending` until SignalWire priced it, and the reconciled mark', async () => {
    // given an ended call and one still ringing
    const call = { from: '+15551230000', to: '+15559870000', direction: 'inbound' };
    await post(stack, '/call-status', { ...call, call_id: 'cost-1', call_state: 'ended' });
    await post(stack, '/call-status', { ...call, call_id: 'cost-2', call_state: 'ringing' });
    await waitFor(async () => ((await stack.cli(['calls', 'show', 'cost-2'])).code === 0 ? true : undefined));
    const ended = await waitFor(async () => (await stack.cli(['calls', 'show', 'cost-1'])).json);
    // then, before SignalWire priced it: nulls in --json, `pending` for the ended one, nothing for the ringing one
    assert.deepEqual(
      [ended.price, ended.price_unit, ended.reconcile, ended.reconcile_reason, ended.reconciled_at],
      [null, null, null, null, null],
    );
    assert.match(await readable(['calls', 'show', 'cost-1']), /^price: pending$/m);
    assert.doesNotMatch(await readable(['calls', 'show', 'cost-2']), /price/);

    // when the reconciler's envelope recorded its price, and gave up on the other one
    await setOn('CALL#cost-1', { price: 0.0065, price_unit: 'USD', reconciled_at: '2025-01-15T10:20:00.000Z' });
    await setOn('CALL#cost-2', {
      reconcile: 'unknown',
      reconcile_reason: 'not found at SignalWire',
      reconciled_at: '2025-01-15T10:21:00.000Z',
    });
    // then --json prints the record as it is, and the readable output one line each
    const priced = (await stack.cli(['calls', 'show', 'cost-1'])).json;
    assert.deepEqual(
      [priced.price, priced.price_unit, priced.reconcile, priced.reconciled_at],
      [0.0065, 'USD', null, '2025-01-15T10:20:00.000Z'],
    );
    const text = await readable(['calls', 'show', 'cost-1']);
    assert.match(text, /^price: 0\.0065 USD$/m);
    assert.match(text, /^reconciled at: 2025-01-15T10:20:00\.000Z$/m);
    assert.doesNotMatch(text, /price_unit/);
    assert.match(await readable(['calls', 'show', 'cost-2']), /^reconcile: unknown \(not found at SignalWire\)$/m);
    // and `calls list` (the stats index, then the priced records' base items) carries the price too
    const listed = (await stack.cli(['calls', 'list'])).json.find((c: { call_id: string }) => c.call_id === 'cost-1');
    assert.deepEqual([listed.price, listed.price_unit], [0.0065, 'USD']);
  });

  it('`messages show` prints `pending` for a sent message, then its price', async () => {
    await post(stack, '/message-status', { message_id: 'cost-m-1', status: 'sent' });
    await waitFor(async () => (await stack.cli(['messages', 'show', 'cost-m-1'])).json);
    assert.match(await readable(['messages', 'show', 'cost-m-1']), /^price: pending$/m);
    await setOn('MESSAGE#cost-m-1', { price: 0.0079, price_unit: 'USD' });
    assert.equal((await stack.cli(['messages', 'show', 'cost-m-1'])).json.price, 0.0079);
    assert.match(await readable(['messages', 'show', 'cost-m-1']), /^price: 0\.0079 USD$/m);
    const stats = await readable(['stats', '--hours', '1']);
    assert.match(stats, /0\.0065 USD/);
    assert.match(stats, /0\.0079 USD/);
    const [listed] = await listByFirstSeen(target.table, 'message', new Date(Date.now() - 3_600_000).toISOString());
    assert.equal(listed?.price, 0.0079);
  });

  it('files a reconcile envelope marked as such; the archive index and `tail` show the mark', async () => {
    // given `tail` following from now
    const lines: string[] = [];
    const controller = new AbortController();
    const tail = tailArchive(target, {
      json: false,
      since: new Date(Date.now() - 1000).toISOString(),
      signal: controller.signal,
      write: (text) => lines.push(text),
      pollMs: 100,
    });
    // when the worker files the verdict of what the reconciler learned
    // (the reconciler's payload is lib/reconcile/reconcile-payload.ts; only the source matters here)
    const payload = { reconcile: 'unknown', api: 'compat', reason: 'not found at SignalWire' };
    const envelope = createEnvelope({
      kind: 'call.status',
      route: 'reconcile',
      content_type: 'json',
      body: JSON.stringify(payload),
      payload,
      headers: {},
      source: 'reconcile',
    });
    const archive = createArchiveStore(target.table);
    await archive.write([archiveEntryOf(envelope, { status: 'applied', outcome: 'advanced', attempts: 1 })]);
    try {
      // then the summaries (what tail and the console feed read from the index) say so, and tail marks the line
      const [summary] = (await archive.listProcessed(new Date(Date.now() - 60_000).toISOString())).filter(
        (s) => s.event_id === envelope.event_id,
      );
      assert.equal(summary?.source, 'reconcile');
      const line = await waitFor(
        async () => lines.find((l) => l.includes(envelope.event_id)),
        10_000,
        'the reconcile verdict in tail',
      );
      assert.match(line, /\[reconciled\]/);
    } finally {
      controller.abort();
      await tail;
    }
  });
});
