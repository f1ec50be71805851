import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { createRoomStore } from '../../lib/store/room-store';
import { createDocumentClient } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import type { RoomSession } from '../../lib/video/room-session';

export type Item = Record<string, any>;

export interface DeadLetter {
  body: string;
  /** failure_reason, failure_category, ... as the worker attached them (absent when SQS's redrive moved it). */
  attributes: Record<string, string>;
  receiveCount: number;
}

/** Every item of the table by `pk`, one per partition (rooms, which may have several, are read with readRooms). */
export async function readTable(dynamodb: DynamoDBClient, tableName: string): Promise<Map<string, Item>> {
  const client = DynamoDBDocumentClient.from(dynamodb);
  const items = new Map<string, Item>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? [])
      if (!/^(MEMBER|RECORDING)#/.test(String(item.sk))) items.set(String(item.pk), item);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The items of these keys (`pk`, `sk`) that exist, by `pk`: BatchGetItem, 100 keys a request, consistent reads. */
export async function readItems(
  dynamodb: DynamoDBClient,
  tableName: string,
  keys: { pk: string; sk: string }[],
): Promise<Map<string, Item>> {
  const client = DynamoDBDocumentClient.from(dynamodb);
  const items = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending !== undefined && pending.length > 0) {
      const answer: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[tableName] ?? []) items.set(String(item.pk), item);
      pending = answer.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}

/**
 * Room sessions as operators see them (`webhooks rooms show`): the product's own read model, so the oracle does not
 * depend on how a session is laid out in the table.
 */
export async function readRooms(
  dynamodb: DynamoDBClient,
  tableName: string,
  sessionIds: Iterable<string>,
): Promise<Map<string, RoomSession>> {
  const store = createRoomStore({ client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName, retentionDays: 90 });
  const rooms = new Map<string, RoomSession>();
  for (const id of sessionIds) {
    const room = await store.get(id);
    if (room) rooms.set(id, room);
  }
  return rooms;
}

/** An object in the recordings bucket: its size, the sha256 of its bytes (read back), and how often it was listed. */
export interface StoredObject {
  size: number;
  sha256: string;
  listed: number;
}

/** Every object under `prefix` in the bucket, each read back whole for its checksum (a few at a time). */
export async function readBucket(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, StoredObject>> {
  const objects = new Map<string, StoredObject>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const seen = objects.get(key);
      if (seen) seen.listed++;
      else objects.set(key, { size: object.Size ?? 0, sha256: '', listed: 1 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const keys = [...objects.keys()];
  const lane = async () => {
    for (let key = keys.shift(); key !== undefined; key = keys.shift()) {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of answer.Body as Readable) hash.update(chunk as Buffer);
      objects.get(key)!.sha256 = hash.digest('hex');
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  return objects;
}

/** Every message in the DLQ, each received once and left there (hidden for the rest of the run). */
export async function readDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (let empty = 0; empty < 3; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 3600,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const m of Messages) {
      const attributes = Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
      );
      letters.push({
        body: m.Body ?? '',
        attributes,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      });
    }
  }
  return letters;
}

/**
 * Waits until the queue holds nothing, visible or in flight, `readings` readings in a row a second apart (three by
 * default: a killed worker's messages are invisible until their timeout passes). `onEmpty` runs at the first empty
 * reading.
 */
export async function waitForDrain(
  sqs: SQSClient,
  queueUrl: string,
  timeoutMs: number,
  onEmpty: () => unknown,
  log?: (line: string) => void,
  readings = 3,
): Promise<{ drained: boolean; remaining: number; ms: number }> {
  const start = Date.now();
  let zeros = 0;
  let remaining = -1;
  while (Date.now() - start < timeoutMs) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    remaining =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    log?.(
      `  queue: ${Attributes.ApproximateNumberOfMessages} visible, ${Attributes.ApproximateNumberOfMessagesNotVisible} in flight`,
    );
    if (remaining === 0) {
      if (zeros++ === 0) await onEmpty();
      if (zeros >= readings) return { drained: true, remaining, ms: Date.now() - start };
    } else zeros = 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { drained: false, remaining, ms: Date.now() - start };
}
