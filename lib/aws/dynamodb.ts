import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClientBudget } from '../config/client-budget';
import { clientSettings } from './client-settings';

export const createDynamoDbClient = (budget: ClientBudget) => new DynamoDBClient(clientSettings(budget));
