import type { ParameterReader } from '../config/secrets';
import { deliverJob, type DeliverDeps } from '../destinations/deliver-job';
import { createDeliveryDeadLetters } from '../destinations/delivery-dead-letters';
import { postEvent, type PostEvent } from '../destinations/post-event';
import { checkSigningSecret } from '../destinations/sign-event';
import { DependencyError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { SendMessage } from '../queue/send-message';
import { systemResolver, type ResolveHost } from '../security/outbound-url';
import { createDestinationDeliveryStore } from '../store/destination-delivery-store';
import type { DynamoDbSender } from '../store/document-client';
import { createDocumentClient } from '../store/table';
import type { DeliverConfig } from './deliver-config';
import type { DeliveryBatchDeps } from './process-deliveries';

export interface DelivererClients {
  sendMessage: SendMessage;
  /** On the DestinationsQueue. */
  changeVisibility: ChangeVisibility;
  /** SSM, cached (lib/config/ssm-parameters.ts): a rotated secret applies within its cache time. */
  readParameter: ParameterReader;
  /** The system resolver and node:http(s) unless given (tests). */
  resolveHost?: ResolveHost;
  post?: PostEvent;
  /** Where each try's state is filed (config.tableName); absent or no table: not filed. */
  dynamodb?: DynamoDbSender;
}

/**
 * The deliverer's composition root: the destinations by name, the secrets, the POST, the DLQ and the delivery states,
 * wired once.
 */
export function composeDeliverer(
  config: DeliverConfig,
  clients: DelivererClients,
  log: Logger,
  metrics?: Metrics,
): DeliveryBatchDeps {
  const deliverDeps: DeliverDeps = {
    // A name that does not resolve is retried: the destination's DNS may be down for a while.
    resolveHost: clients.resolveHost ?? systemResolver('destination url', false),
    allowLoopback: config.allowLoopback,
    signingSecret: async (name) => {
      const parameter = `${config.secretPrefix}${name}`;
      let secret: string;
      try {
        secret = await clients.readParameter(parameter);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new DependencyError(`could not read the signing secret ${parameter}: ${why}`, { cause });
      }
      return checkSigningSecret(secret, parameter);
    },
    post: clients.post ?? postEvent,
    timeoutMs: config.timeoutMs,
    maxBodyBytes: config.maxResponseBodyBytes,
  };
  const states =
    clients.dynamodb !== undefined && config.tableName !== ''
      ? createDestinationDeliveryStore({
          client: createDocumentClient(clients.dynamodb),
          tableName: config.tableName,
          retentionDays: config.retentionDays,
        })
      : undefined;
  return {
    destinations: new Map(config.destinations.map((destination) => [destination.name, destination])),
    deliver: (job, destination) => deliverJob(job, destination, deliverDeps),
    deadLetters: createDeliveryDeadLetters(clients.sendMessage, config.dlqUrl),
    maxReceiveCount: config.maxReceiveCount,
    backoff: config.backoff,
    changeVisibility: clients.changeVisibility,
    ...(states !== undefined && { recordState: states.record }),
    log,
    ...(metrics !== undefined && { metrics }),
  };
}
