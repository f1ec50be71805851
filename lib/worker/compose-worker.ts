import { createArchiveStore } from '../archive/archive-store';
import { queueForDestinations } from '../destinations/queue-for-destinations';
import { createEventPublisher, type PutOnBus } from '../events/publish-events';
import type { ParameterReader, ParametersReader } from '../config/secrets';
import { DependencyError } from '../errors';
import type { Logger } from '../logger';
import { copyLocationIn } from '../recordings/recording-key';
import type { RecordingCopies } from '../recordings/recording-job';
import type { IncomingMessageDeps } from '../messages/apply-incoming-message';
import { createStatusCallbackSource } from '../messages/status-callback';
import type { Metrics } from '../metrics';
import { createNotify } from '../notifications';
import { countingUncertainPublishes } from '../notifications/counted-notifier';
import { createLogNotifier } from '../notifications/log-notifier';
import { createSnsNotifier, type SnsPublish } from '../notifications/sns-notifier';
import { createVideoNotifier } from '../notifications/video-notifications';
import type { ChangeVisibility } from '../queue/change-visibility';
import { createDeadLetterQueue } from '../queue/dead-letter-queue';
import type { SendMessage, SendMessages } from '../queue/send-message';
import { signalWireApi } from '../signalwire/api-from-env';
import { createCallStore } from '../store/call-store';
import { createClaimStore } from '../store/claim-store';
import { createFailureStore } from '../store/failure-store';
import { createMessageStore } from '../store/message-store';
import { createSettleStore } from '../store/reconcile-store';
import { createReplyCreditStore } from '../store/reply-credit-store';
import { createRoomStore } from '../store/room-store';
import { createSwmlFetchStore } from '../store/swml-fetch-store';
import type { DynamoDbSender } from '../store/document-client';
import { createDocumentClient, type TableRef } from '../store/table';
import { applyEvent, type ApplyEventDeps } from './apply-event';
import type { BatchDeps } from './process-batch';
import type { MessagingConfig, WorkerConfig } from './worker-config';

/** The AWS clients the worker's handler module creates once, at cold start. */
export interface WorkerClients {
  /** PutEvents on the stage's bus (lib/aws/eventbridge.ts); absent when there is none (EVENT_BUS_NAME blank). */
  putOnBus?: PutOnBus;
  dynamodb: DynamoDbSender;
  /** SendMessage to the DLQ. */
  sendMessage: SendMessage;
  /** SendMessageBatch: the destinations' jobs. */
  sendMessages: SendMessages;
  /** ChangeMessageVisibility on the webhook queue: when a failed record comes back. */
  changeVisibility: ChangeVisibility;
  /** SNS Publish, never retried on its own. */
  snsPublish: SnsPublish;
  readParameter: ParameterReader;
  /** The same SSM reads (cached), several names at once and absent ones left out (the status callback's optional secrets). */
  readParameters: ParametersReader;
}

/** The worker's composition root: every store, use case and publisher, wired once from its config and clients. */
export function composeWorker(config: WorkerConfig, clients: WorkerClients, log: Logger, metrics: Metrics): BatchDeps {
  const table: TableRef = {
    client: createDocumentClient(clients.dynamodb),
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  };
  const { messages, videoNotifier } = composeMessaging(config.messaging, table, clients, log, metrics);
  const deps: ApplyEventDeps = {
    calls: createCallStore(table),
    messages,
    rooms: createRoomStore(table),
    swmlFetches: createSwmlFetchStore(table),
    videoNotifier,
    ...(config.recordingsQueueUrl !== '' && {
      recordingCopies: recordingCopiesOver(clients.sendMessage, config.recordingsQueueUrl),
    }),
    settleCalls: createSettleStore(table, 'CALL'),
    settleMessages: createSettleStore(table, 'MESSAGE'),
  };
  return {
    apply: (envelope, events) => applyEvent(envelope, deps, events),
    publish: createEventPublisher({
      bus: clients.putOnBus,
      ...(config.destinations.length > 0 && {
        destinations: queueForDestinations(clients.sendMessages, config.destinationsQueueUrl, config.destinations),
      }),
    }),
    deadLetters: createDeadLetterQueue(clients.sendMessage, config.dlqUrl),
    failures: createFailureStore(table),
    maxReceiveCount: config.maxReceiveCount,
    retries: { backoff: config.retryBackoff, changeVisibility: clients.changeVisibility },
    log,
    metrics,
    archive: createArchiveStore(table),
  };
}

/** Copy jobs on the recordings queue (SendMessage, the worker's DLQ client: same budget). */
function recordingCopiesOver(sendMessage: SendMessage, queueUrl: string): RecordingCopies {
  return {
    async request(job) {
      try {
        await sendMessage(queueUrl, JSON.stringify(job));
      } catch (cause) {
        throw new DependencyError('could not queue the recording copy', { cause });
      }
    },
  };
}

/** Inbound messages (record, auto-reply, forward) and once-per-event operator notifications (rooms and recordings too). */
function composeMessaging(
  config: MessagingConfig,
  table: TableRef,
  clients: WorkerClients,
  log: Logger,
  metrics: Metrics,
) {
  const notifier =
    config.topicArn === ''
      ? createLogNotifier(log)
      : countingUncertainPublishes(createSnsNotifier(clients.snsPublish, config.topicArn), metrics);
  const notify = createNotify({ claims: createClaimStore(table, 'NOTIFY#'), notifier, leaseMs: config.leaseMs });
  const store = createMessageStore(table);
  const messages: IncomingMessageDeps = {
    store,
    autoReplies: config.autoReplies,
    reply: {
      claims: createClaimStore(table, 'REPLY#'),
      credits: createReplyCreditStore(table),
      api: signalWireApi(config.signalWire, clients.readParameter, {
        onCredentialsRefused: (error) => {
          log.error('signalwire refused our credentials', { status: error.status, reason: error.message });
          metrics.count('SignalWireAuthRefused');
        },
      }),
      messages: store,
      ...(config.statusCallbackBaseUrl !== undefined && {
        statusCallbackUrl: createStatusCallbackSource(
          config.statusCallbackBaseUrl,
          config.statusCallbackChecks,
          clients.readParameters,
        ),
      }),
      leaseMs: config.leaseMs,
    },
    ...(config.notifyInboundSms && { notify }),
  };
  const copyLocation = config.recordingsBucket === undefined ? undefined : copyLocationIn(config.recordingsBucket);
  return { messages, videoNotifier: createVideoNotifier(notify, copyLocation) };
}
