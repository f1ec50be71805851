import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { resolveTarget, type Target } from '../../cli/target';
import { createArchiveStore } from '../../lib/archive/archive-store';
import {
  createDestinationDeliveryStore,
  type DestinationDeliveryState,
} from '../../lib/store/destination-delivery-store';
import { PROJECT_ROOT } from '../../local/project-root';
import { LOCAL_STAGE } from '../../local/stack-stage';
import { newSigningSecret } from '../helpers/delivery-jobs';
import { startDestinationReceiver, type DestinationReceiver } from '../helpers/destination-receiver';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);

/**
 * Where each event stands with each destination, end to end on the local stack: a call's status delivery is applied,
 * its `Call State Changed` event queued for two destinations on a real receiver; one answers 503 (Retry-After: 2)
 * then 200, the other 400. The deliverer files each try's state; the CLI reads it back.
 */
describe('destinations: each try leaves a state operators read (local stack, a real receiver)', () => {
  let receiver: DestinationReceiver;
  let stack: TestStack;
  let target: Target;

  before(async () => {
    receiver = await startDestinationReceiver();
    const destinations = ['flaky', 'refusing'];
    stack = await startTestStack({
      // Long enough that a slow first batch (cold clients, the IAM recording) is never delivered to the worker again:
      // a redelivery publishes its events again, and a second job would take the receiver's 200 with its 1st try.
      // The deliverer's retry comes back after its backoff (ChangeMessageVisibility), not this.
      queueAttributes: { VisibilityTimeout: '30' },
      environment: {
        DESTINATIONS: JSON.stringify(
          destinations.map((name) => ({ name, url: `${receiver.url}/${name}`, types: ['Call State Changed'] })),
        ),
        DELIVER_RETRY_BASE_SECONDS: '1',
      },
      ssmParameters: Object.fromEntries(
        destinations.map((name) => [`/signalwire-webhooks/${LOCAL_STAGE}/destinations/${name}`, newSigningSecret()]),
      ),
    });
    target = await resolveTarget({ stackFile: stack.stackFile });
  });

  after(async () => {
    target?.close();
    await stack?.stop();
    await receiver?.close();
  });

  it('goes retrying (with its next attempt time) then delivered; a 400 is dead-lettered; `events show` prints them', async () => {
    receiver.script('/flaky', { status: 503, headers: { 'retry-after': '2' }, body: 'busy' }, { status: 200 });
    receiver.script('/refusing', { status: 400, body: '{"error":"unknown account"}' });
    const response = await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        call_id: 'state-call-1',
        call_state: 'ringing',
        from: '+15551230000',
        to: '+15559870000',
        direction: 'inbound',
        timestamp: new Date().toISOString(),
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const { event_id: deliveryId } = (await response.json()) as { event_id: string };

    // the archive names the event the delivery produced, with its subject
    const archived = await waitFor(
      async () => (await createArchiveStore(target.table).get(deliveryId))?.events,
      15_000,
      'the archived delivery and its events',
    );
    assert.equal(archived.length, 1);
    const event = archived[0]!;
    assert.deepEqual(
      { type: event.type, subject: event.subject },
      { type: 'Call State Changed', subject: 'call/state-call-1' },
    );

    const states = createDestinationDeliveryStore(target.table);
    const stateAt = async (destination: string) =>
      (await states.ofEvents([event.id])).get(event.id)?.find((s) => s.destination === destination);
    const reached = (destination: string, status: DestinationDeliveryState['status']) =>
      waitFor(
        async () => {
          const state = await stateAt(destination);
          return state?.status === status ? state : undefined;
        },
        15_000,
        `${destination} ${status}`,
      );

    // the 503: retrying, back after the receiver's Retry-After
    const retrying = await reached('flaky', 'retrying');
    assert.equal(retrying.attempts, 1);
    assert.equal(retrying.last_status, 503);
    assert.equal(retrying.last_error, 'answered HTTP 503');
    assert.equal(retrying.event_type, 'Call State Changed');
    assert.equal(Date.parse(retrying.next_attempt_at!) - Date.parse(retrying.updated_at), 2000);

    // then the 200: delivered, what a retry said is gone
    const delivered = await reached('flaky', 'delivered');
    assert.equal(delivered.attempts, 2);
    assert.equal(delivered.last_status, 200);
    assert.equal(delivered.next_attempt_at, undefined);
    assert.equal(delivered.last_error, undefined);
    assert.deepEqual(
      receiver.at('/flaky').map((d) => d.answer),
      [503, 200],
    );

    // the 400: dead-lettered at once, with its status
    const deadLettered = await reached('refusing', 'dead-lettered');
    assert.deepEqual([deadLettered.attempts, deadLettered.last_status], [1, 400]);
    assert.equal(deadLettered.last_error, 'answered HTTP 400');

    // a late failure of another copy of the job never moves `delivered` back
    await states.record({ ...retrying, updated_at: new Date().toISOString() });
    assert.equal((await stateAt('flaky'))?.status, 'delivered');

    // `webhooks events show <evt>`: one row per destination
    const shown = await stack.cli(['events', 'show', event.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.json.type, 'Call State Changed');
    assert.deepEqual(
      shown.json.destinations.map((d: Record<string, unknown>) => [d.destination, d.status, d.attempts, d.last_status]),
      [
        ['flaky', 'delivered', 2, 200],
        ['refusing', 'dead-lettered', 1, 400],
      ],
    );

    // `webhooks archive show <delivery>` (readable): the delivery's event, on the bus, and each destination's state
    const { stdout } = await run(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/webhooks.js'), 'archive', 'show', deliveryId],
      {
        env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile },
      },
    );
    assert.match(
      stdout,
      new RegExp(
        `id: ${event.id}\\n\\s+type: Call State Changed\\n\\s+subject: call/state-call-1\\n\\s+bus: published`,
      ),
    );
    assert.match(stdout, /flaky\s+delivered\s+2\s+200/);
    assert.match(stdout, /refusing\s+dead-lettered\s+1\s+400\s+answered HTTP 400/);
  });
});
