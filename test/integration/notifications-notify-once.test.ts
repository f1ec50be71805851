import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClaimBusyError } from '../../lib/claims/lease-claim';
import { DependencyError, PermanentError } from '../../lib/errors';
import { notifyOnce, PublishUncertainError, type Notification, type Notifier } from '../../lib/notifications';
import { countingUncertainPublishes } from '../../lib/notifications/counted-notifier';
import { publishMayHaveHappened } from '../../lib/notifications/publish-outcome';
import { snsSubject } from '../../lib/notifications/sns-notifier';
import { videoNotification } from '../../lib/notifications/video-notifications';
import { createClaimStore } from '../../lib/store/claim-store';
import type { TableRef } from '../../lib/store/table';
import { startTestTable } from '../helpers/test-table';

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

const notification = (eventKey: string): Notification => ({
  eventKey,
  kind: 'room.started',
  subject: 'Video room started: demo',
  text: 'Room demo started.',
  details: { room: 'demo' },
});

describe('notifyOnce: claim -> publish -> mark (real claims on the DynamoDB emulator, in-memory notifier)', () => {
  let table: TableRef;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ table, stop } = await startTestTable());
  });
  after(() => stop?.());

  it('publishes once when the same event is notified five times at once', async () => {
    const memory = memoryNotifier();
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier: memory.notifier, leaseMs: 60_000 };
    // when
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => notifyOnce(notification('room.started:r-1'), deps)),
    );
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

  it('waits while a live holder has the claim, and once its lease expired (the holder died) never publishes again', async () => {
    const memory = memoryNotifier();
    const claims = createClaimStore(table, 'NOTIFY#');
    // given a worker that claimed the notification and died before marking it (maybe after publishing)
    const now = Date.now();
    assert.ok(
      await claims.create('recording.ready:rec-1', {
        token: 'dead-worker',
        leaseExpiresAt: now + 300,
        now,
        fields: {},
      }),
    );
    const deps = { claims, notifier: memory.notifier, leaseMs: 60_000 };
    // when another delivery comes while the lease runs, it must not publish
    await assert.rejects(notifyOnce(notification('recording.ready:rec-1'), deps), ClaimBusyError);
    assert.equal(memory.published.length, 0);
    // and once the lease expired, one takes it over and settles it as uncertain: at most once, so no second publish
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await notifyOnce(notification('recording.ready:rec-1'), deps), 'notification uncertain');
    assert.equal(memory.published.length, 0);
    const claim = await claims.get('recording.ready:rec-1');
    assert.deepEqual([claim?.status, claim?.attempts, claim?.claimedAt], ['uncertain', 2, now]);
    assert.equal(await notifyOnce(notification('recording.ready:rec-1'), deps), 'already notified');
    // and the dead worker, were it to come back, can no longer mark the claim
    assert.equal(await claims.finish('recording.ready:rec-1', 'dead-worker', 'published', {}), false);
  });

  // Found by the chaos run (chaos/): a Publish whose answer was lost was published again by the retry.
  it('never publishes again after a publish that may have gone through (reset, timeout, 5xx)', async () => {
    const memory = memoryNotifier();
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier: memory.notifier, leaseMs: 60_000 };
    memory.failNext(new PublishUncertainError('sns: connection reset after the request was sent'));
    assert.equal(await notifyOnce(notification('message.inbound:m-uncertain'), deps), 'notification uncertain');
    assert.equal((await deps.claims.get('message.inbound:m-uncertain'))?.status, 'uncertain');
    assert.equal(await notifyOnce(notification('message.inbound:m-uncertain'), deps), 'already notified');
    assert.equal(memory.published.length, 0);
  });

  it('counts NotificationUncertain, by kind, for a publish that may have gone through, and nothing for the others', async () => {
    const memory = memoryNotifier();
    const counted: string[] = [];
    const notifier = countingUncertainPublishes(memory.notifier, {
      count: (name, dimensions) => void counted.push(`${name} ${JSON.stringify(dimensions)}`),
    });
    const deps = { claims: createClaimStore(table, 'NOTIFY#'), notifier, leaseMs: 60_000 };
    memory.failNext(new PublishUncertainError('sns: 503'));
    assert.equal(await notifyOnce(notification('room.started:counted-1'), deps), 'notification uncertain');
    memory.failNext(new DependencyError('sns: connection refused'));
    await assert.rejects(notifyOnce(notification('room.started:counted-2'), deps), DependencyError);
    assert.equal(await notifyOnce(notification('room.started:counted-2'), deps), 'notified');
    assert.deepEqual(counted, ['NotificationUncertain {"Kind":"room.started"}']);
  });

  // Found by the chaos run: when marking the claim failed after a publish, the claim was released and published again.
  it('does not release the claim when the publish succeeded but marking it failed', async () => {
    const memory = memoryNotifier();
    const real = createClaimStore(table, 'NOTIFY#');
    let failMark = true;
    const claims = {
      ...real,
      finish: async (...args: Parameters<typeof real.finish>) => {
        if (args[2] === 'published' && failMark) throw new DependencyError('dynamodb: throttled');
        return real.finish(...args);
      },
    };
    const deps = { claims, notifier: memory.notifier, leaseMs: 200 };
    await assert.rejects(notifyOnce(notification('message.inbound:m-mark'), deps), DependencyError);
    failMark = false;
    // the redelivery finds it held; after the lease it settles it without a second publish
    await assert.rejects(notifyOnce(notification('message.inbound:m-mark'), deps), ClaimBusyError);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await notifyOnce(notification('message.inbound:m-mark'), deps), 'notification uncertain');
    assert.equal(memory.published.length, 1);
  });

  // Found by the chaos run: a claim whose creation answer was lost looked like another worker's for a whole lease.
  it('recognizes its own claim when the answer to creating it was lost', async () => {
    const memory = memoryNotifier();
    const real = createClaimStore(table, 'NOTIFY#');
    // the create lands, then its answer is lost: the SDK's retry finds the claim and reports a failed condition
    const claims = {
      ...real,
      create: async (...args: Parameters<typeof real.create>) => (await real.create(...args)) && false,
    };
    const deps = { claims, notifier: memory.notifier, leaseMs: 60_000 };
    assert.equal(await notifyOnce(notification('message.inbound:m-lost-answer'), deps), 'notified');
    assert.equal(memory.published.length, 1);
  });

  it('sorts SNS failures: a 4xx or a refused connection published nothing, a 5xx or a lost connection maybe did', () => {
    assert.equal(
      publishMayHaveHappened(Object.assign(new Error('throttled'), { $metadata: { httpStatusCode: 400 } })),
      false,
    );
    assert.equal(
      publishMayHaveHappened(Object.assign(new Error('internal'), { $metadata: { httpStatusCode: 500 } })),
      true,
    );
    assert.equal(publishMayHaveHappened(Object.assign(new Error('dns'), { code: 'EAI_AGAIN' })), false);
    assert.equal(
      publishMayHaveHappened(Object.assign(new Error('request timeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' })),
      true,
    );
    assert.equal(publishMayHaveHappened(new Error('anything else')), true);
    assert.equal(publishMayHaveHappened(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), false);
    assert.equal(publishMayHaveHappened(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), true);
  });

  it('lets only one of two workers take an expired claim over', async () => {
    const claims = createClaimStore(table, 'NOTIFY#');
    const now = Date.now();
    await claims.create('k-race', { token: 'old', leaseExpiresAt: now - 1, now, fields: {} });
    const taken = await Promise.all(
      ['a', 'b', 'c'].map((token) => claims.takeOver('k-race', 'old', { token, leaseExpiresAt: now + 60_000, now })),
    );
    assert.equal(taken.filter(Boolean).length, 1);
  });

  it("turns the video use case's notifications into ours, one event key per room session or recording", () => {
    const started = videoNotification({
      type: 'room.started',
      roomSessionId: 'rs-1',
      roomId: 'r-1',
      roomName: 'standup',
      startedAt: '2025-01-15T10:00:00.000Z',
    });
    assert.deepEqual(
      [started.kind, started.eventKey, started.subject],
      ['room.started', 'room.started:rs-1', 'Video room started: standup'],
    );
    const ready = videoNotification({
      type: 'recording.ready',
      roomSessionId: 'rs-1',
      roomId: 'r-1',
      recordingId: 'rec-9',
      url: 'https://example.com/rec-9.mp4',
      durationSeconds: 42,
    });
    assert.deepEqual(
      [ready.kind, ready.eventKey, ready.subject],
      ['recording.ready', 'recording.ready:rec-9', 'Recording ready (42 s)'],
    );
    assert.match(ready.text, /https:\/\/example\.com\/rec-9\.mp4/);
    assert.equal(ready.details.duration_seconds, 42);
  });

  it('writes SNS subjects as one line of printable ASCII, at most 100 characters', () => {
    assert.equal(snsSubject('SMS from +1555\nRéponse 👋'), 'SMS from +1555 R?ponse ??');
    assert.equal(snsSubject('x'.repeat(150)).length, 100);
    assert.equal(snsSubject(' \n '), 'notification');
  });
});
