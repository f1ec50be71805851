import type { ParametersReader } from '../config/secrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { webhookQueueOver } from '../queue/webhook-queue';
import type { SendMessage } from '../queue/send-message';
import { authenticatorFromConfig } from '../security/authenticate';
import type { IngestConfig } from './ingest-config';
import type { ReceiveWebhookDeps } from './receive-webhook';

/** The AWS clients the ingest's handler module creates once, at cold start. */
export interface IngestClients {
  sendMessage: SendMessage;
  readParameters: ParametersReader;
}

/** The ingest's composition root: who may call (lib/security) and where an accepted delivery goes (the webhook queue). */
export function composeIngest(
  config: IngestConfig,
  clients: IngestClients,
  log: Logger,
  metrics: Metrics,
): ReceiveWebhookDeps {
  return {
    enqueue: webhookQueueOver(clients.sendMessage, config.queueUrl).send,
    authenticate: authenticatorFromConfig(config.auth, { log, metrics, readParameters: clients.readParameters }),
  };
}
