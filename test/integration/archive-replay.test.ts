import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand } from '../../lib/store/commands';
import { createArchiveStore, type ArchiveStore } from '../../lib/archive/archive-store';
import { archiveItemKey } from '../../lib/archive/archive-index';
import { replayOne, selectRange } from '../../lib/archive/replay-archive';
import { createReplayQueue } from '../../lib/archive/replay-queue';
import { createCallStore } from '../../lib/store/call-store';
import { resolveTarget, type Target } from '../../cli/target';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

async function post(stack: TestStack, route: string, body: string, contentType = 'application/json'): Promise<string> {
  const response = await fetch(`${stack.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { event_id: string }).event_id;
}

describe('the delivery archive and `webhooks replay`', () => {
  let stack: TestStack;
  let target: Target;
  let archive: ArchiveStore;
  const verdict = (eventId: string, status?: string) =>
    waitFor(
      async () => {
        const entry = await archive.get(eventId);
        return entry !== undefined && (status === undefined || entry.status === status) ? entry : undefined;
      },
      10_000,
      `archive entry ${eventId} ${status ?? ''}`,
    );

  before(async () => {
    stack = await startTestStack();
    target = await resolveTarget({ stackFile: stack.stackFile });
    archive = createArchiveStore(target.table);
  });
  after(async () => {
    target?.close();
    await stack?.stop();
  });

  it('files every accepted delivery: exact bytes, route, times, natural key, verdict and a TTL', async () => {
    // Odd spacing and key order: the archive keeps the bytes, not a re-serialization.
    const body = '{ "call_id":"arch-1",  "call_state":"answered", "timestamp":"2025-01-15T10:30:00Z" }';
    const eventId = await post(stack, '/call-status', body);
    const entry = await verdict(eventId, 'applied');
    assert.equal(entry.body, body);
    assert.equal(entry.route, 'POST /call-status');
    assert.equal(entry.natural_key, 'call:arch-1:answered');
    assert.equal(entry.outcome, 'advanced');
    assert.equal(entry.headers['content-type'], 'application/json');
    assert.ok(entry.processed_at >= entry.received_at);
    const { Item } = await target.table.client.send(
      new GetCommand({ TableName: target.table.tableName, Key: archiveItemKey(eventId) }),
    );
    const ttlDays = (Item!.expires_at - Date.parse(entry.processed_at) / 1000) / 86_400;
    assert.ok(Math.abs(ttlDays - 90) < 0.01, `TTL ${ttlDays} days`);

    // SignalWire retrying the same delivery: a new event, filed as a duplicate.
    const again = await verdict(await post(stack, '/call-status', body), 'duplicate');
    assert.equal(again.natural_key, 'call:arch-1:answered');
  });

  it('files what can never succeed as dead-lettered, with the reason', async () => {
    const eventId = await post(stack, '/call-status', '{"call_state":"answered"}');
    const entry = await verdict(eventId, 'dead-lettered');
    assert.match(entry.reason ?? '', /call_id|call id/i);
    assert.equal(entry.natural_key, undefined);
  });

  it('replays an applied event without changing anything, and restores one whose record was lost', async () => {
    /** The events published about arch-2 so far, by type. */
    const published = () =>
      stack.bus
        .published(stack.eventBusName)
        .filter((e) => (e.detail as { subject?: string }).subject === 'call/arch-2')
        .map((e) => e['detail-type']);
    const eventId = await post(
      stack,
      '/call-status',
      '{"call_id":"arch-2","call_state":"ringing","timestamp":"2025-01-15T10:31:00Z"}',
    );
    await verdict(eventId, 'applied');
    assert.deepEqual(published(), ['Call State Changed']);
    const calls = createCallStore(target.table);
    const before = await calls.get('arch-2');

    const replay = await stack.cli(['replay', eventId]);
    assert.equal(replay.code, 0, replay.stderr);
    const [queued] = replay.json.queued;
    assert.equal(queued.event_id, eventId);
    const copy = await verdict(queued.replayed_as, 'duplicate');
    assert.equal(copy.replay_of, eventId);
    assert.deepEqual(await calls.get('arch-2'), before, 'an applied event replayed changes nothing');
    assert.deepEqual(published(), ['Call State Changed'], 'and publishes nothing: its events were out');

    // The record is lost (a bad manual fix, a restore from an old backup): the replay brings it back. In-process, the
    // code the command runs (each run of the bin costs seconds on a loaded machine).
    await target.table.client.send(
      new DeleteCommand({ TableName: target.table.tableName, Key: { pk: 'CALL#arch-2', sk: 'CALL' } }),
    );
    assert.equal(await calls.get('arch-2'), undefined);
    const restore = await replayOne(archive, createReplayQueue(target.sqs, target.queueUrl), eventId);
    await verdict(restore!.replayed_as, 'applied');
    const restored = await calls.get('arch-2');
    assert.equal(restored?.state, 'ringing');
    assert.deepEqual(restored?.timeline, before?.timeline);
    // a change again, so its event again (same id: consumers that kept it dedupe it)
    assert.deepEqual(published(), ['Call State Changed', 'Call State Changed']);
  });

  // Found by a review: a replay re-serialised the envelope with a bare JSON.stringify, putting characters SQS refuses
  // (U+FFFF) back in raw; on AWS the replay failed with InvalidMessageContents while the emulator took it.
  it('replays a delivery holding characters SQS refuses raw, escaped as the ingest escaped it', async () => {
    const body = JSON.stringify({
      message_id: 'arch-ffff',
      from: '+15550001111',
      to: '+15551234567',
      body: 'odd \uffff\ufffe chars',
      timestamp: '2025-01-15T10:32:00Z',
    });
    const eventId = await post(stack, '/incoming-sms', body);
    await verdict(eventId, 'applied');
    // the local stack refuses such a message as SQS does, so this replay could fail here too
    await assert.rejects(
      target.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: '{"raw":"\uffff"}' })),
      (error: Error) => error.name === 'InvalidMessageContents',
    );
    const replayed = await replayOne(archive, createReplayQueue(target.sqs, target.queueUrl), eventId);
    const copy = await verdict(replayed!.replayed_as, 'duplicate');
    assert.equal(copy.body, body, 'the exact bytes received, through the queue and back');
  });

  it('replays a time range, of one kind, leaving earlier replays out', async () => {
    const since = new Date().toISOString();
    const sms = await post(
      stack,
      '/incoming-sms',
      '{"message_id":"arch-m-1","from":"+15551230000","to":"+15559870000","body":"hello"}',
    );
    const call = await post(stack, '/call-status', '{"call_id":"arch-3","call_state":"ringing"}');
    await Promise.all([verdict(sms, 'applied'), verdict(call, 'applied')]);
    const until = new Date().toISOString();

    const messages = await stack.cli(['replay', '--since', since, '--until', until, '--kind', 'message']);
    assert.equal(messages.code, 0, messages.stderr);
    assert.deepEqual(
      messages.json.queued.map((q: { event_id: string }) => q.event_id),
      [sms],
    );
    await verdict(messages.json.queued[0].replayed_as, 'duplicate');

    const all = await selectRange(archive, { since });
    assert.deepEqual(all.sort(), [sms, call].sort(), 'the replay of the SMS is not replayed again');
  });

  it('refuses a replay of an unknown event, and a replay with both an id and a range', async () => {
    assert.equal(await replayOne(archive, createReplayQueue(target.sqs, target.queueUrl), 'no-such-event'), undefined);
    const both = await stack.cli(['replay', 'x', '--since', '2025-01-01']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /not both/);
  });
});
