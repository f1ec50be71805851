/** A message attribute, as SQS spells it. */
export type SqsMessageAttribute = { DataType: 'String' | 'Number'; StringValue: string };

/** Puts one message on a queue; resolves once SQS answered (it holds the message), rejects otherwise. */
export type SendMessage = (
  queueUrl: string,
  messageBody: string,
  attributes?: Record<string, SqsMessageAttribute>,
) => Promise<void>;

/** Puts several messages on a queue; resolves once SQS holds every one of them, rejects otherwise. */
export type SendMessages = (queueUrl: string, messageBodies: string[]) => Promise<void>;
