/**
 * Sets when a received message of the webhook queue is delivered again: `seconds` from now (SQS
 * ChangeMessageVisibility on its receipt handle); rejects when SQS did not take it.
 */
export type ChangeVisibility = (receiptHandle: string, seconds: number) => Promise<void>;
