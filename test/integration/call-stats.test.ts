import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { showStats } from '../../cli/commands/stats';
import { UpdateCommand } from '../../lib/store/commands';
import { resolveTarget, type Target } from '../../cli/target';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { videoDelivery } from '../helpers/video-events';
import { waitFor } from '../helpers/wait';

/** A flat-JSON call status delivery. */
function callStatus(baseUrl: string, callId: string, state: string, time: string): Promise<Response> {
  const body = JSON.stringify({
    call_id: callId,
    call_state: state,
    from: '+15551230000',
    to: '+15559870000',
    direction: 'inbound',
    timestamp: time,
  });
  return fetch(`${baseUrl}/call-status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('webhooks stats (the stats index over calls, messages, rooms and SWML fetches)', () => {
  let stack: TestStack;
  let cli: Target;
  let startedAt: string;
  before(async () => {
    stack = await startTestStack();
    cli = await resolveTarget({ stackFile: stack.stackFile });
    startedAt = new Date().toISOString();
  });
  after(async () => {
    cli.close();
    await stack?.stop();
  });

  it('counts a known set of events per kind and state, with the average call duration', async () => {
    // given 3 calls (two ended after 60 s and 30 s of talk, one still ringing; every delivery twice),
    // 2 room sessions (one ended), 2 SWML fetches and 2 message receipts
    const url = stack.url;
    const deliveries = [
      () => callStatus(url, 'stats-call-1', 'answered', '2025-01-15T10:00:00Z'),
      () => callStatus(url, 'stats-call-1', 'ended', '2025-01-15T10:01:00Z'),
      () => callStatus(url, 'stats-call-2', 'answered', '2025-01-15T11:00:00Z'),
      () => callStatus(url, 'stats-call-2', 'ended', '2025-01-15T11:00:30Z'),
      () => callStatus(url, 'stats-call-3', 'ringing', '2025-01-15T12:00:00Z'),
      () => videoDelivery(url, 'stats-room-1', { type: 'room.started', at: '2025-01-15T10:00:00Z' }, 'flat'),
      () => videoDelivery(url, 'stats-room-1', { type: 'room.ended', at: '2025-01-15T10:30:00Z' }, 'route'),
      () =>
        videoDelivery(
          url,
          'stats-room-2',
          { type: 'member.joined', member: 'm1', at: '2025-01-15T10:00:00Z' },
          'realtime',
        ),
      () => postFixture(url, loadFixture('swml-fetch-get')),
      () => postFixture(url, loadFixture('swml-fetch-post')),
      () => postFixture(url, loadFixture('message-status-flat-delivered')),
      () => postFixture(url, loadFixture('message-status-cxml-sent')),
    ];
    // when each is posted (the call and room events twice)
    for (const deliver of [...deliveries, ...deliveries.slice(0, 8)]) assert.equal((await deliver()).status, 200);
    await waitFor(
      async () => {
        const s = await showStats(cli, { hours: '1' });
        const settled =
          s.counts.call === 3 &&
          s.calls.with_duration === 2 &&
          s.rooms.by_state.ended === 1 &&
          s.counts.room === 2 &&
          s.counts.swml === 2 &&
          s.counts.message === 2;
        return settled ? true : undefined;
      },
      10_000,
      'all events applied',
    );
    // and SignalWire's prices recorded on three of them, as the worker files what the reconciler learned
    const price = (pk: string, amount: number, unit: string) =>
      cli.table.client.send(
        new UpdateCommand({
          TableName: cli.table.tableName,
          Key: { pk, sk: pk.slice(0, pk.indexOf('#')) },
          UpdateExpression: 'SET price = :price, price_unit = :unit',
          ExpressionAttributeValues: { ':price': amount, ':unit': unit },
        }),
      );
    await price('CALL#stats-call-1', 0.0065, 'USD');
    await price('CALL#stats-call-2', 0.0065, 'USD');
    await price('MESSAGE#SM-0000-0004', 0.0079, 'USD');
    // then the CLI reports exactly those numbers
    const { code, json } = await stack.cli(['stats', '--since', startedAt]);
    assert.equal(code, 0);
    assert.equal(json.since, startedAt);
    assert.deepEqual(json.counts, { call: 3, message: 2, room: 2, swml: 2 });
    assert.deepEqual(json.calls, {
      total: 3,
      by_state: { ended: 2, ringing: 1 },
      with_duration: 2,
      average_duration_seconds: 45,
      priced: 2,
      cost: { USD: 0.013 },
    });
    assert.deepEqual(json.messages, {
      total: 2,
      by_status: { delivered: 1, sent: 1 },
      priced: 1,
      cost: { USD: 0.0079 },
    });
    // the cost per UTC day the records were first seen (the index projects the price)
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(json.cost_by_day.every((d: { day: string }) => d.day >= startedAt.slice(0, 10) && d.day <= today));
    const sum = (kind: 'calls' | 'messages', field: 'total' | 'priced') =>
      json.cost_by_day.reduce(
        (n: number, d: Record<typeof kind, Record<typeof field, number>>) => n + d[kind][field],
        0,
      );
    assert.deepEqual(
      [sum('calls', 'total'), sum('calls', 'priced'), sum('messages', 'total'), sum('messages', 'priced')],
      [3, 2, 2, 1],
    );
    if (json.cost_by_day.length === 1)
      assert.deepEqual(json.cost_by_day[0], {
        day: today,
        calls: { total: 3, priced: 2, cost: { USD: 0.013 } },
        messages: { total: 2, priced: 1, cost: { USD: 0.0079 } },
      });
    assert.deepEqual(json.rooms, { total: 2, by_state: { active: 1, ended: 1 } });
    assert.deepEqual(json.swml_fetches, { total: 2, by_direction: { inbound: 2 } });
  });

  it('counts nothing outside the window, and refuses a window it cannot read', async () => {
    const later = await showStats(cli, { since: new Date(Date.now() + 60_000).toISOString() });
    assert.deepEqual(later.counts, { call: 0, message: 0, room: 0, swml: 0 });
    assert.equal(later.calls.average_duration_seconds, null);
    assert.deepEqual(later.cost_by_day, []);
    const refused = await stack.cli(['stats', '--hours', 'many']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--hours must be a positive number/);
  });
});
