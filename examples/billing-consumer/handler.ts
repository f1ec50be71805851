// billCall: bills each ended call once. EventBridge delivers at least once (and the product publishes a change's event
// again after a fault, with the same id), so the same `Call Ended` may arrive twice or more: the billing line is
// written with a conditional put that only succeeds for a call not billed yet, and a redelivery changes nothing.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
// The product's event contract, imported as types only (erased when bundled), so this example is type-checked against
// it with the product. Copied out of this repository, copy lib/events/generated/event-data.ts beside it instead, and
// the DomainEvent interface from lib/events/domain-event.ts (see README.md).
import type { DomainEvent, EVENT_SOURCE, EventType } from '../../lib/events/domain-event';

/** What the rule's pattern lets through (serverless.yml): checked again here, as a handler trusts no input. */
const SOURCE: typeof EVENT_SOURCE = 'signalwire.webhooks';
const CALL_ENDED = 'Call Ended' satisfies EventType;
/** The `data` shape this consumer was written for; a breaking change to it comes with a new version. */
const VERSION: DomainEvent['version'] = 1;

/** The event a `Call Ended` rule target receives: its `detail` is the product's event. */
export type CallEndedEvent = EventBridgeEvent<typeof CALL_ENDED, DomainEvent<typeof CALL_ENDED>>;

/** One billed call, as a billing system would read it. */
export interface BillingLine {
  /** `CALL#<call_id>`: one line per call, which is what makes billing it twice impossible. */
  pk: string;
  /** The id of the event that billed it (stable across redeliveries). */
  event_id: string;
  duration_seconds: number;
  /** Started minutes: 75 s bills 2. */
  billed_minutes: number;
  /** What SignalWire charged, when the event already knows it. */
  price?: number;
  price_unit?: string;
  ended_at: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `event` is a product `Call Ended` event of the version this consumer knows, with the fields it bills on. */
export function isCallEnded(event: unknown): event is CallEndedEvent {
  if (!isRecord(event) || event.source !== SOURCE || event['detail-type'] !== CALL_ENDED) return false;
  const { detail } = event;
  if (!isRecord(detail) || typeof detail.id !== 'string' || detail.id === '') return false;
  if (detail.type !== CALL_ENDED || detail.version !== VERSION || !isRecord(detail.data)) return false;
  const { call_id, duration_seconds, ended_at, price, price_unit } = detail.data;
  return (
    typeof call_id === 'string' &&
    call_id !== '' &&
    Number.isInteger(duration_seconds) &&
    (duration_seconds as number) >= 0 &&
    typeof ended_at === 'string' &&
    (price === undefined || typeof price === 'number') &&
    (price_unit === undefined || typeof price_unit === 'string')
  );
}

/** The billing line of an ended call: minutes are rounded up (a started minute is a billed minute). */
export function billingLine({ detail }: CallEndedEvent): BillingLine {
  const { call_id, duration_seconds, ended_at, price, price_unit } = detail.data;
  return {
    pk: `CALL#${call_id}`,
    event_id: detail.id,
    duration_seconds,
    billed_minutes: Math.ceil(duration_seconds / 60),
    ...(price !== undefined && { price }),
    ...(price_unit !== undefined && { price_unit }),
    ended_at,
  };
}

/**
 * Writes the event's billing line unless the call is billed already: `billed`, or `already billed` for a redelivery.
 * The product publishes one `Call Ended` per call, its id derived from the call (the same on every redelivery), so
 * one line per call is one line per event id. An event that is not a `Call Ended` this consumer understands is an
 * error: thrown, so it shows in the function's errors (and its retries) rather than being billed wrong or dropped.
 */
export async function billOnce(
  event: unknown,
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<'billed' | 'already billed'> {
  if (!isCallEnded(event)) throw new Error(`not a Call Ended event (version ${VERSION}) of ${SOURCE}`);
  const line = billingLine(event);
  try {
    await documents.send(
      new PutCommand({ TableName: tableName, Item: line, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'already billed';
    throw error;
  }
  return 'billed';
}

// Created once per container, outside the handler, as Lambda reuses it; the region and credentials come from the
// environment (locally, `npm start` points AWS_ENDPOINT_URL_DYNAMODB at its emulator).
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** The Lambda handler serverless.yml names (`handler.billCall`), for the rule's `Call Ended` events. */
export async function billCall(event: unknown): Promise<void> {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const outcome = await billOnce(event, documents, tableName);
  const { detail } = event as CallEndedEvent;
  console.log(JSON.stringify({ msg: outcome, event_id: detail.id, call_id: detail.data.call_id }));
}
