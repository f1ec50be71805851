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
    await putEventsWith(client, 'bus')(Array.from({ length: 23 }, (_, i) => event(i)));
    assert.deepEqual(
      requests.map((r) => r.length),
      [10, 10, 3],
    );
  });

  it('puts again only the entries a partial answer reports failed, and resolves once all are in', async () => {
    const { client, requests } = scriptedClient((id, attempt) =>
      attempt === 1 && id.endsWith('3') ? 'ThrottlingException' : undefined,
    );
    await putEventsWith(client, 'bus')([event(1), event(2), event(3)]);
    assert.deepEqual(requests, [[event(1).id, event(2).id, event(3).id], [event(3).id]]);
  });

  it('rejects, naming the codes, when entries still fail after the retries: the delivery is retried by SQS', async () => {
    const { client, requests } = scriptedClient((id) => (id.endsWith('2') ? 'InternalFailure' : undefined));
    await assert.rejects(
      putEventsWith(client, 'bus')([event(1), event(2)]),
      /refused 1 of 1 entries \(InternalFailure\)/,
    );
    assert.equal(requests.length, 3);
  });
});
