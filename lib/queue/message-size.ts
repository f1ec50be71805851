import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/** SQS's message size limit (1 MiB since 2025), pinned on both queues in serverless.yml (MaximumMessageSize). */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The most a dead letter's reason attributes take (lib/queue/dead-letter-queue.ts: a reason of at most 1,000
 * UTF-16 units, at most 3 bytes each once made SQS-safe, plus names, types, a time, a count and a message id;
 * test/unit/queue-message-size.test.ts checks the worst case).
 */
export const DEAD_LETTER_ATTRIBUTES_MAX_BYTES = 4 * 1024;

/** The largest body the ingest queues, so its dead letter, reason attributes included, always fits in the DLQ. */
export const MAX_QUEUED_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - DEAD_LETTER_ATTRIBUTES_MAX_BYTES;

/** The size SQS counts against MaximumMessageSize: the body's UTF-8 bytes, and each attribute's name, type and value. */
export function sqsMessageBytes(body: string, attributes: Record<string, MessageAttributeValue> = {}): number {
  let bytes = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : (value.BinaryValue?.length ?? 0);
  }
  return bytes;
}
