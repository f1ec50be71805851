import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { loadFixture, postFixture, type Fixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { shuffle } from '../helpers/shuffle';
import { waitFor } from '../helpers/wait';

const CALL_FIXTURES = ['call-status-flat-answered', 'call-state-relay-ended', 'call-status-cxml-completed'];

/** A flat-JSON call status delivery for `callId` in `state` at `time`. */
function flatCallStatus(callId: string, state: string, time: string): Fixture {
  const body = JSON.stringify({
    call_id: callId,
    call_state: state,
    from: '+15551230000',
    to: '+15559870000',
    direction: 'inbound',
    timestamp: time,
  });
  return {
    name: state,
    method: 'POST',
    url: 'https://example.com/call-status',
    contentType: 'application/json',
    body,
    headers: {},
  };
}

describe('call status pipeline (HTTP -> SQS -> worker -> DynamoDB, emulators)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack?.stop());

  it('answers 200 with an event id once queued, and every call fixture becomes a call record', async () => {
    // given the three call status shapes, each delivered three times in a shuffled order
    const deliveries = shuffle(CALL_FIXTURES.flatMap((name) => [name, name, name]).map(loadFixture), 7);
    // when they are posted concurrently
    const responses = await Promise.all(deliveries.map((f) => postFixture(stack.url, f)));
    // then each is acknowledged only with an event id
    for (const response of responses) {
      assert.equal(response.status, 200);
      const body = (await response.json()) as { status: string; event_id: string };
      assert.equal(body.status, 'received');
      assert.match(body.event_id, /^[0-9a-f-]{36}$/);
    }
    const flat = await waitFor(
      async () => (await stack.cli(['calls', 'show', 'c1234567-89ab-cdef-0123-456789abcdef'])).json,
      10_000,
      'flat call',
    );
    assert.equal(flat.state, 'answered');
    assert.deepEqual(flat.timeline, [{ state: 'answered', at: '2025-01-15T10:30:00.000Z' }]);
    assert.equal(flat.duration_seconds, null);
    assert.equal(flat.direction, 'outbound');

    const relay = await waitFor(
      async () => (await stack.cli(['calls', 'show', '5d1c4c4e-0000-4000-8000-000000000001'])).json,
      10_000,
      'relay call',
    );
    assert.equal(relay.state, 'ended');
    assert.equal(relay.duration_seconds, 56);
    assert.equal(relay.end_reason, 'hangup');
    assert.deepEqual(
      relay.timeline.map((t: { state: string }) => t.state),
      ['created', 'answered', 'ended'],
    );

    const cxml = await waitFor(
      async () => (await stack.cli(['calls', 'show', 'CA-0000-0001'])).json,
      10_000,
      'cxml call',
    );
    assert.equal(cxml.state, 'ended');
    assert.equal(cxml.duration_seconds, 42);
    assert.equal(cxml.from, '+15559876543');
  });

  it('keeps the state monotonic and the timeline complete whatever the order and duplicates', async () => {
    // given a whole call lifecycle, every state twice, delivered in a scrambled order
    const callId = 'ordering-call-1';
    const states: [string, string][] = [
      ['created', '2025-01-15T10:00:00Z'],
      ['ringing', '2025-01-15T10:00:02Z'],
      ['answered', '2025-01-15T10:00:05Z'],
      ['ending', '2025-01-15T10:01:04Z'],
      ['ended', '2025-01-15T10:01:05Z'],
    ];
    const deliveries = shuffle(
      [...states, ...states].map(([state, at]) => flatCallStatus(callId, state, at)),
      3,
    );
    // the end first, the beginning last: the worst order for a naive "last write wins"
    deliveries.sort((a, b) => (a.name === 'ended' ? -1 : b.name === 'ended' ? 1 : 0));
    for (const delivery of deliveries) assert.equal((await postFixture(stack.url, delivery)).status, 200);
    // then the call is ended, with every state's time once, and the talk time computed from answered to ended
    const call = await waitFor(async () => {
      const { json } = await stack.cli(['calls', 'show', callId]);
      return json?.timeline.length === 5 ? json : undefined;
    });
    assert.equal(call.state, 'ended');
    assert.deepEqual(
      call.timeline,
      states.map(([state, at]) => ({ state, at: new Date(at).toISOString() })),
    );
    assert.equal(call.duration_seconds, 60);
  });

  it('dead-letters a poison delivery with its reason and still processes the good ones beside it once', async () => {
    // given a batch with good states of one call and deliveries that can never be applied
    const callId = 'poison-batch-call';
    const poison: Fixture[] = [
      {
        ...flatCallStatus(callId, 'answered', '2025-01-15T10:00:05Z'),
        body: JSON.stringify({ call_id: callId, call_state: 'exploded' }),
      },
      { ...flatCallStatus(callId, 'answered', '2025-01-15T10:00:05Z'), body: JSON.stringify({ hello: 'world' }) },
    ];
    const good = [
      flatCallStatus(callId, 'ringing', '2025-01-15T10:00:02Z'),
      flatCallStatus(callId, 'answered', '2025-01-15T10:00:05Z'),
    ];
    const ids: string[] = [];
    for (const delivery of [good[0]!, ...poison, good[1]!]) {
      const response = await postFixture(stack.url, delivery);
      assert.equal(response.status, 200);
      ids.push(((await response.json()) as { event_id: string }).event_id);
    }
    // then the poison is in the DLQ with why, at once (one attempt), and the good events are applied
    const dead = await waitFor(async () => {
      const { json } = await stack.cli(['dlq', 'list']);
      const mine = (json as DeadLetter[]).filter((d) => ids.includes(d.event_id!));
      return mine.length === 2 ? mine : undefined;
    });
    const reasons = dead.map((d) => d.failure_reason).sort();
    assert.deepEqual(reasons, [
      'call status: unknown call_state "exploded"',
      'call status: unrecognized payload shape',
    ]);
    for (const entry of dead) {
      assert.equal(entry.failure_category, 'invalid');
      assert.equal(entry.attempts, 1);
      assert.equal(entry.kind, 'call.status');
      assert.equal(typeof (entry.event as { body: unknown }).body, 'string');
    }
    const call = await waitFor(async () => (await stack.cli(['calls', 'show', callId])).json);
    assert.equal(call.state, 'answered');
    assert.equal(call.timeline.length, 2);
  });

  it('rejects what it can never accept with a 4xx and a short reason, and queues nothing', async () => {
    const post = (path: string, body: string, contentType = 'application/json') =>
      fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const cases: [Promise<Response>, number, RegExp][] = [
      [post('/call-status', '{not json'), 400, /not valid JSON/],
      [post('/call-status', '[1,2]'), 400, /must be an object/],
      [post('/call-status', 'a=1&a=2', 'application/x-www-form-urlencoded'), 400, /duplicate form field/],
      [post('/call-status', '<xml/>', 'text/xml'), 415, /content type/],
      [post('/call-status', JSON.stringify({ pad: 'x'.repeat(300_000) })), 413, /exceeds/],
      // under 256 KiB, but U+FFFE doubles when escaped for SQS: once a 503 on every retry, forever
      [post('/call-status', `{"t":"${'\ufffe'.repeat(87_378)}"}`), 413, /too large to queue/],
      [post('/video/not-an-event', '{}'), 404, /unknown video event/],
    ];
    for (const [response, status, reason] of cases) {
      const res = await response;
      assert.equal(res.status, status);
      assert.match(((await res.json()) as { error: string }).error, reason);
    }
  });
});
