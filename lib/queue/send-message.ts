/** A message attribute, as SQS spells it. */
export type SqsMessageAttribute = { DataType: 'String' | 'Number'; StringValue: string };

/** Puts one message on a queue; resolves once SQS answered (it holds the message), rejects otherwise. */
export type SendMessage = (
  queueUrl: string,
  messageBody: string,
  attributes?: Record<string, SqsMessageAttribute>,
) => Promise<void>;
