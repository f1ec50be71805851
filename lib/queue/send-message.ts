/** A message attribute, as SQS spells it. */
export type SqsMessageAttribute = { DataType: 'String' | 'Number'; StringValue: string };

/** Puts one message on a queue; resolves once SQS answered (it holds the message), rejects otherwise. */
export type SendMessage = (
  queueUrl: string,
  messageBody: string,
  attributes?: Record<string, SqsMessageAttribute>,
) => Promise<void>;

/**
 * Puts several messages on a queue; resolves to the indexes of the bodies SQS does not hold (empty: all of them are
 * there), with why.
 */
export type SendMessages = (
  queueUrl: string,
  messageBodies: string[],
) => Promise<{ failed: number[]; reason?: string }>;
