import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { callDifferences, messageDifferences } from './oracle/reconcile-checks';
import { type Item, readItems } from './oracle/read-state';
import type { CallPlan, MessagePlan } from './scenario';

export interface RestorationWatch {
  /** Resolves to when every record was first seen restored (epoch ms), or undefined once the deadline passed. */
  done: Promise<number | undefined>;
  /** Give up waiting at this time (epoch ms). */
  setDeadline(at: number): void;
  /** Records not restored yet, at the last reading. */
  readonly pending: number;
}

/**
 * Reads the scenario's calls and outbound messages each `everyMs` (straight from the emulator) until all are
 * restored: each record in the store is in SignalWire's final state, duration and price, and closed, and each
 * record something of which was acknowledged (`expected`) is in the store. Restored is for good (the state, the
 * price and the close never go back), so a reading asks only for those not restored yet; and none is taken while
 * `wait()` says so (the harness: while the queue is too busy for the reconciler to run), sparing the emulator.
 */
export function watchRestoration(
  dynamodb: DynamoDBClient,
  tableName: string,
  plans: { calls: CallPlan[]; messages: MessagePlan[] },
  expected: (id: string) => boolean,
  options: { everyMs?: number; wait?(): Promise<boolean> } = {},
): RestorationWatch {
  let deadline = Number.POSITIVE_INFINITY;
  type Pending = { id: string; key: { pk: string; sk: string }; differences(item: Item): string[] };
  let pending: Pending[] = [
    ...plans.calls.map((p) => ({
      id: p.callId,
      key: { pk: `CALL#${p.callId}`, sk: 'CALL' },
      differences: (item: Item) => callDifferences(item, p),
    })),
    ...plans.messages.map((p) => ({
      id: p.messageId,
      key: { pk: `MESSAGE#${p.messageId}`, sk: 'MESSAGE' },
      differences: (item: Item) => messageDifferences(item, p),
    })),
  ];
  const done = (async () => {
    while (Date.now() < deadline) {
      const busy = await options.wait?.().catch(() => false);
      const items = busy
        ? undefined
        : await readItems(
            dynamodb,
            tableName,
            pending.map((p) => p.key),
          ).catch(() => undefined);
      if (items !== undefined) {
        pending = pending.filter((p) => {
          const item = items.get(p.key.pk);
          return item === undefined ? expected(p.id) : p.differences(item).length > 0;
        });
        if (pending.length === 0) return Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 1000));
    }
    return undefined;
  })();
  return {
    done,
    setDeadline: (at) => {
      deadline = at;
    },
    get pending() {
      return pending.length;
    },
  };
}
