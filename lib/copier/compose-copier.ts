import type { S3Client } from '@aws-sdk/client-s3';
import { recordingObjectsWith } from '../aws/s3';
import type { ParameterReader } from '../config/secrets';
import { resolveSecret } from '../config/secrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ChangeVisibility } from '../queue/change-visibility';
import { createDeadLetterQueue } from '../queue/dead-letter-queue';
import type { SendMessage } from '../queue/send-message';
import { copyRecording } from '../recordings/copy-recording';
import { createRecordingDownloader } from '../recordings/download';
import { systemResolver } from '../security/outbound-url';
import type { CopyBatchDeps } from './process-copy-jobs';
import { normalizeSpaceUrl } from '../signalwire/account-api';
import { createClaimStore } from '../store/claim-store';
import type { DynamoDbSender } from '../store/document-client';
import { createRecordingCopyStore } from '../store/recording-copy-store';
import { createDocumentClient } from '../store/table';
import type { CopierConfig } from './copier-config';

/** Every address of a host; a name that does not exist (ENOTFOUND) never will: refused, not retried. */
const resolveHost = systemResolver('recording url', true);

export interface CopierClients {
  dynamodb: DynamoDbSender;
  s3: S3Client;
  sendMessage: SendMessage;
  changeVisibility: ChangeVisibility;
  readParameter: ParameterReader;
}

/** The copier's composition root: the bucket, the download, the claims and the filing, wired once. */
export function composeCopier(
  config: CopierConfig,
  clients: CopierClients,
  log: Logger,
  metrics: Metrics,
): CopyBatchDeps {
  const table = {
    client: createDocumentClient(clients.dynamodb),
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  };
  const signalWire = config.signalWire;
  const download = createRecordingDownloader({
    ...(signalWire !== undefined && { spaceOrigin: normalizeSpaceUrl(signalWire.spaceUrl) }),
    credentials: async () => {
      if (signalWire === undefined) return undefined;
      const apiToken = await resolveSecret(signalWire.apiToken, clients.readParameter);
      return apiToken === undefined ? undefined : { projectId: signalWire.projectId, apiToken };
    },
    headersTimeoutMs: 30_000,
  });
  const deps = {
    objects: recordingObjectsWith(clients.s3, config.bucket),
    download,
    resolveHost,
    allowLoopback: config.allowLoopback,
    claims: createClaimStore(table, 'COPY#'),
    leaseMs: config.leaseMs,
    record: createRecordingCopyStore(table),
  };
  return {
    copy: (job) => copyRecording(job, deps),
    deadLetters: createDeadLetterQueue(clients.sendMessage, config.dlqUrl),
    maxReceiveCount: config.maxReceiveCount,
    backoff: config.retryBackoff,
    changeVisibility: clients.changeVisibility,
    log,
    metrics,
  };
}
