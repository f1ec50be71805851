import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClaimBusyError } from '../../lib/claims/lease-claim';
import { DependencyError, PermanentError } from '../../lib/errors';
import { notifyOnce, type Notification, type Notifier } from '../../lib/notifications';
import { snsSubject } from '../../lib/notifications/sns-notifier';
import { videoNotification } from '../../lib/notifications/video-notifications';
import { createClaimStore } from '../../lib/store/claim-store';
import type { TableRef } from '../../lib/store/table';
import { startTable } from '../helpers/dynamodb-table';

/** The in-memory notifier: records what was published, and can be told to fail. */
function memoryNotifier() {
  const published: Notification[] = [];
  const failures: Error[] = [];
  const notifier: Notifier = {
    async publish(notification) {
      const failure = failures.shift();
      if (failure) throw failure;
      published.push(notification);
      return { id: `n-${published.length}` };
    },
  };
  return { notifier, published, failNext: (error: Error) => failures.push(error) };
}

const notification = (eventKey: string): Notification => ({ eventKey, kind: 'room.started', subject: 'Video room started: demo', text: 'Room demo started.', details: { room: 'demo' } });

describe('notifyOnce: claim -> publish -> mark (real claims on the DynamoDB emulator, in-memory notifier)', () => {
  let table: TableRef;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ table, stop } = await startTable());
  });
  after(() => stop?.());

  it('publishes once when the same event is notified five times at once', async () => {
    const memory = memoryNotifier();
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier: memory.notifier, leaseMs: 60_000 };
    // when
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => notifyOnce(notification('room.started:r-1'), deps)));
    // then one published; the others found it held (retry later) or done
    assert.equal(memory.published.length, 1);
    for (const result of results) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof ClaimBusyError);
    }
    // and a later redelivery publishes nothing
    assert.equal(await notifyOnce(notification('room.started:r-1'), deps), 'already notified');
    const claim = await deps.claims.get('room.started:r-1');
    assert.deepEqual([claim?.status, claim?.fields.publish_id], ['published', 'n-1']);
  });

  it('releases the claim when publishing fails, so the retry publishes at once', async () => {
    const memory = memoryNotifier();
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier: memory.notifier, leaseMs: 60_000 };
    memory.failNext(new DependencyError('sns: throttled'));
    await assert.rejects(notifyOnce(notification('room.started:r-2'), deps), DependencyError);
    assert.equal((await deps.claims.get('room.started:r-2'))?.status, 'retry');
    // when retried, well inside the lease
    assert.equal(await notifyOnce(notification('room.started:r-2'), deps), 'notified');
    assert.equal(memory.published.length, 1);
    assert.equal((await deps.claims.get('room.started:r-2'))?.attempts, 2);
  });

  it('passes a permanent failure on (the event is dead-lettered) and publishes after a redrive', async () => {
    const memory = memoryNotifier();
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier: memory.notifier, leaseMs: 60_000 };
    memory.failNext(new PermanentError('sns: topic not found'));
    await assert.rejects(notifyOnce(notification('room.started:r-3'), deps), PermanentError);
    assert.equal(await notifyOnce(notification('room.started:r-3'), deps), 'notified');
  });

  it('waits while a live holder has the claim, and takes it over once its lease expired (the holder died)', async () => {
    const memory = memoryNotifier();
    const claims = createClaimStore(table, 'NOTIFY#');
    // given a worker that claimed the notification and died before marking it
    const now = Date.now();
    assert.ok(await claims.create('recording.ready:rec-1', { token: 'dead-worker', leaseExpiresAt: now + 300, now, fields: {} }));
    const deps = { claims, notifier: memory.notifier, leaseMs: 60_000 };
    // when another delivery comes while the lease runs, it must not publish
    await assert.rejects(notifyOnce(notification('recording.ready:rec-1'), deps), ClaimBusyError);
    assert.equal(memory.published.length, 0);
    // and once the lease expired, one takes it over and publishes
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await notifyOnce(notification('recording.ready:rec-1'), deps), 'notified');
    const claim = await claims.get('recording.ready:rec-1');
    assert.deepEqual([claim?.status, claim?.attempts, claim?.claimedAt], ['published', 2, now]);
    // and the dead worker, were it to come back, can no longer mark the claim
    assert.equal(await claims.finish('recording.ready:rec-1', 'dead-worker', 'published', {}), false);
  });

  it('lets only one of two workers take an expired claim over', async () => {
    const claims = createClaimStore(table, 'NOTIFY#');
    const now = Date.now();
    await claims.create('k-race', { token: 'old', leaseExpiresAt: now - 1, now, fields: {} });
    const taken = await Promise.all(['a', 'b', 'c'].map((token) => claims.takeOver('k-race', 'old', { token, leaseExpiresAt: now + 60_000, now })));
    assert.equal(taken.filter(Boolean).length, 1);
  });

  it('turns the video use case\'s notifications into ours, one event key per room session or recording', () => {
    const started = videoNotification({ type: 'room.started', roomSessionId: 'rs-1', roomId: 'r-1', roomName: 'standup', startedAt: '2025-01-15T10:00:00.000Z' });
    assert.deepEqual([started.kind, started.eventKey, started.subject], ['room.started', 'room.started:rs-1', 'Video room started: standup']);
    const ready = videoNotification({ type: 'recording.ready', roomSessionId: 'rs-1', roomId: 'r-1', recordingId: 'rec-9', url: 'https://example.com/rec-9.mp4', durationSeconds: 42 });
    assert.deepEqual([ready.kind, ready.eventKey, ready.subject], ['recording.ready', 'recording.ready:rec-9', 'Recording ready (42 s)']);
    assert.match(ready.text, /https:\/\/example\.com\/rec-9\.mp4/);
    assert.equal(ready.details.duration_seconds, 42);
  });

  it('writes SNS subjects as one line of printable ASCII, at most 100 characters', () => {
    assert.equal(snsSubject('SMS from +1555\nRéponse 👋'), 'SMS from +1555 R?ponse ??');
    assert.equal(snsSubject('x'.repeat(150)).length, 100);
    assert.equal(snsSubject(' \n '), 'notification');
  });
});
