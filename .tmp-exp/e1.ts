import { SQSClient } from '@aws-sdk/client-sqs';
export const sqs = new SQSClient({ maxAttempts: 3, md5: false, cacheMiddleware: true, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true } });
