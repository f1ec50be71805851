import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { putEventsWith } from '../../lib/aws/eventbridge';
import type { DomainEvent } from '../../lib/events/domain-event';

const event = (n: number): DomainEvent => ({
  id: `evt_${String(n).padStart(32, '0')}`,
  type: 'Call State Changed',
  version: 1,
  timestamp: '2026-01-01T00:00:00.000Z',
  subject: `call/c-${n}`,
  data: { call_id: `c-${n}`, state: 'answered' },
});

/** An EventBridge client that answers each PutEvents from a script: which entries (by event id) fail this time. */
function scriptedClient(failing: (id: string, attempt: number) => string | undefined) {
  const requests: string[][] = [];
  const client = {
    async send(command: PutEventsCommand) {
      const entries = command.input.Entries ?? [];
      const ids = entries.map((e) => (JSON.parse(e.Detail!) as { id: string }).id);
      requests.push(ids);
      const results = ids.map((id) => {
        const code = failing(id, requests.length);
        return code ? { ErrorCode: code, ErrorMessage: code } : { EventId: `eb-${id}` };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  } as unknown as EventBridgeClient;
  return { client, requests };
}

describe('PutEvents through the SDK client (lib/aws/eventbridge.ts)', () => {
  it('puts 10 entries a request, on the bus named, with the event as detail and its type as detail-type', async () => {
    const { client, requests } = scriptedClient(() => undefined);
    assert.equal((await putEventsWith(client, 'bus')(Array.from({ length: 23 }, (_, i) => event(i)))).ids.size, 0);
    assert.deepEqual(
      requests.map((r) => r.length),
      [10, 10, 3],
    );
  });

  it('puts again only the entries a partial answer reports failed, and resolves once all are in', async () => {
    const { client, requests } = scriptedClient((id, attempt) =>
      attempt === 1 && id.endsWith('3') ? 'ThrottlingException' : undefined,
    );
    assert.equal((await putEventsWith(client, 'bus')([event(1), event(2), event(3)])).ids.size, 0);
    assert.deepEqual(requests, [[event(1).id, event(2).id, event(3).id], [event(3).id]]);
  });

  it('answers the ids still not on the bus after the retries, naming the codes: only their deliveries come back', async () => {
    const { client, requests } = scriptedClient((id) => (id.endsWith('2') ? 'InternalFailure' : undefined));
    const left = await putEventsWith(client, 'bus')([event(1), event(2)]);
    assert.deepEqual([...left.ids], [event(2).id]);
    assert.match(left.reason ?? '', /refused 1 of 1 entries \(InternalFailure\)/);
    assert.equal(requests.length, 3);
  });

  it('answers every id of a request the SDK gave up on, and none of the requests that went through', async () => {
    let sent = 0;
    const client = {
      async send(command: PutEventsCommand) {
        sent++;
        if (sent === 2) throw new Error('socket hang up');
        return { FailedEntryCount: 0, Entries: (command.input.Entries ?? []).map(() => ({ EventId: 'x' })) };
      },
    } as unknown as EventBridgeClient;
    const events = Array.from({ length: 13 }, (_, i) => event(i));
    const left = await putEventsWith(client, 'bus')(events);
    assert.deepEqual(
      [...left.ids],
      events.slice(10).map((e) => e.id),
    );
    assert.match(left.reason ?? '', /socket hang up/);
  });
});
