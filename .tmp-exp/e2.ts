import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
export const x = [SQSClient, SendMessageCommand];
