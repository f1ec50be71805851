import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientSettings } from '../../lib/aws/client-settings';
import type { ClientBudget } from '../../lib/config/client-budget';

export const TEST_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const at = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
const DEFAULT: ClientBudget = { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 };

/** The functions' SDK clients (lib/aws), with their budgets, pointed at a local server as AWS_ENDPOINT_URL_<SERVICE> would. */
export const sqsClientAt = (endpoint: string, budget: ClientBudget = DEFAULT) =>
  new SQSClient({ ...clientSettings(budget), ...at(endpoint) });
export const snsClientAt = (endpoint: string, budget: Partial<ClientBudget> = {}) =>
  new SNSClient({ ...clientSettings({ ...DEFAULT, ...budget, maxAttempts: 1 }), ...at(endpoint) });
export const ssmClientAt = (endpoint: string, budget: ClientBudget = DEFAULT) =>
  new SSMClient({ ...clientSettings(budget), ...at(endpoint) });
