import type { SQSRecord } from 'aws-lambda';

/** Which delivery of its message this record is (SQS's ApproximateReceiveCount): 1 for the first. */
export const receiveCount = (record: SQSRecord): number => Number(record.attributes?.ApproximateReceiveCount ?? 1);
