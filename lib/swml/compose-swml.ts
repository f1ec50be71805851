import type { ParametersReader } from '../config/secrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { webhookQueueOver } from '../queue/webhook-queue';
import type { SendMessage } from '../queue/send-message';
import { authenticatorFromConfig } from '../security/authenticate';
import type { DynamoDbSender } from '../store/document-client';
import { createSwmlRulesStore } from '../store/swml-rules-store';
import { createDocumentClient } from '../store/table';
import type { SwmlFetchDeps } from './answer-swml-fetch';
import { createRoutingRulesSource } from './routing-rules-source';
import type { SwmlConfig } from './swml-config';

/** The AWS clients the SWML function's handler module creates once, at cold start. */
export interface SwmlClients {
  dynamodb: DynamoDbSender;
  sendMessage: SendMessage;
  readParameters: ParametersReader;
}

/** The SWML function's composition root: the same webhook checks as the ingest, the stored rules, the journal. */
export function composeSwml(config: SwmlConfig, clients: SwmlClients, log: Logger, metrics: Metrics): SwmlFetchDeps {
  const rules = createSwmlRulesStore({
    client: createDocumentClient(clients.dynamodb),
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  });
  return {
    authenticate: authenticatorFromConfig(config.auth, { log, metrics, readParameters: clients.readParameters }),
    loadRules: createRoutingRulesSource(async () => (await rules.get())?.rules_json, {
      ttlMs: config.rulesCacheMs,
      log,
    }),
    journal: webhookQueueOver(clients.sendMessage, config.queueUrl).send,
    journalTimeoutMs: config.journalTimeoutMs,
    rulesTimeoutMs: config.rulesTimeoutMs,
    log,
  };
}
