import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyCallStatus, type CallStore } from '../../lib/calls/apply-call-status';
import type { CallStatusEvent } from '../../lib/calls/normalize-call-status';
import { DependencyError } from '../../lib/errors';
import { sendAutoReplyOnce } from '../../lib/messages/send-auto-reply';
import { createSignalWireRestClient } from '../../lib/signalwire/rest-client';
import { createCallStore } from '../../lib/store/call-store';
import { createClaimStore } from '../../lib/store/claim-store';
import { createMessageStore } from '../../lib/store/message-store';
import { createReplyCreditStore } from '../../lib/store/reply-credit-store';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { startTestTable, type TestTable } from '../helpers/test-table';

/**
 * A redelivered event completes the follow-up writes its first attempt left undone after the conditional write
 * that applied it (DynamoDB emulator; failures injected by wrapping the real store for one call).
 */
describe('a retried event finishes what its first attempt left half done (DynamoDB emulator)', () => {
  let db: TestTable;
  let fake: FakeSignalWire;
  before(async () => {
    db = await startTestTable();
    fake = await startFakeSignalWire();
  });
  after(async () => {
    await db?.stop();
    await fake?.close();
  });

  const T0 = Date.parse('2025-01-15T10:00:00Z');
  const call = (callId: string, state: 'answered' | 'ended', seconds: number): CallStatusEvent => ({
    callId,
    state,
    occurredAt: T0 + seconds * 1000,
    shape: 'flat',
  });

  it('REGRESSION: the duration write failed after the state was applied; the redelivery sets it', async () => {
    const real = createCallStore(db.table);
    let failDuration = true;
    const flaky: CallStore = {
      ...real,
      async setDurationOnce(callId, seconds) {
        if (failDuration) throw new DependencyError('could not store call duration (injected)');
        return real.setDurationOnce(callId, seconds);
      },
    };
    await applyCallStatus(call('c-half-1', 'answered', 0), flaky);
    // when `ended` is applied but the duration write fails
    await assert.rejects(applyCallStatus(call('c-half-1', 'ended', 42), flaky), DependencyError);
    assert.equal((await real.get('c-half-1'))!.duration_seconds, null);
    // then its redelivery, a duplicate of the state, still completes the duration
    failDuration = false;
    assert.equal(await applyCallStatus(call('c-half-1', 'ended', 42), flaky), 'duplicate');
    assert.equal((await real.get('c-half-1'))!.duration_seconds, 42);
  });

  it('REGRESSION: the state write landed but its answer was lost (the SDK retries it); the duration is still set', async () => {
    const store = createCallStore(db.table);
    await applyCallStatus(call('c-half-2', 'answered', 0), store);
    // given `ended` applied by a write whose answer never came back (the call ends there, nothing after it ran)
    assert.ok(await store.advance(call('c-half-2', 'ended', 30)));
    // when the retry applies the same event
    assert.equal(await applyCallStatus(call('c-half-2', 'ended', 30), store), 'duplicate');
    // then
    assert.equal((await store.get('c-half-2'))!.duration_seconds, 30);
  });

  it('the reply record failed after the send; the redelivery records it, credits the same reply, and sends nothing more', async () => {
    const messages = createMessageStore(db.table);
    let failRecord = true;
    const deps = {
      claims: createClaimStore(db.table, 'REPLY#'),
      credits: createReplyCreditStore(db.table),
      api: async () => createSignalWireRestClient({ spaceUrl: fake.url, projectId: 'p', apiToken: 't' }),
      messages: {
        async recordOutbound(reply: Parameters<typeof messages.recordOutbound>[0]) {
          if (failRecord) throw new DependencyError('could not store message (injected)');
          return messages.recordOutbound(reply);
        },
      },
      leaseMs: 60_000,
    };
    const inbound = {
      messageId: 'm-half-3',
      from: '+15550003003',
      to: '+15551234567',
      body: 'HELP',
      mediaUrls: [],
      segments: 1,
      occurredAt: T0,
      shape: 'flat' as const,
    };
    const reply = { keyword: 'HELP', text: 'Reply with HELP.' };
    await assert.rejects(sendAutoReplyOnce(inbound, reply, deps), DependencyError);
    failRecord = false;
    assert.equal(await sendAutoReplyOnce(inbound, reply, deps), 'reply found sent');
    const sent = fake.created.filter((m) => m.to === '+15550003003');
    assert.equal(sent.length, 1);
    assert.equal((await messages.get(sent[0]!.sid))!.in_reply_to, 'm-half-3');
  });
});
