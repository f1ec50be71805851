import type { StoredCopy } from '../recordings/copy-recording';
import type { CopyJob } from '../recordings/recording-job';
import { PutCommand, UpdateCommand } from './commands';
import { recordingKey } from './room-item';
import { expiresAt, isConditionFailure, type TableRef } from './table';
import { buildUpdate } from './update-expression';

/**
 * Files a recording's copy: on its item in the room session (`webhooks rooms show`, the console) and on a pointer
 * `RECORDING#<recording_id>` (`webhooks recordings get <recording_id>`). The first copy's figures stay: a repeat (a
 * redelivered job finding the object there) sets nothing new.
 */
export function createRecordingCopyStore(table: TableRef) {
  return async (job: CopyJob, copy: StoredCopy): Promise<void> => {
    const fields = {
      s3_bucket: copy.bucket,
      s3_key: copy.key,
      size: copy.size,
      sha256: copy.sha256,
      copied_at: copy.copiedAt,
    };
    await Promise.all([
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: recordingKey(job.room_session_id, job.recording_id),
          ...buildUpdate({ setIfAbsent: fields }),
        }),
      ),
      table.client
        .send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: `RECORDING#${job.recording_id}`,
              sk: 'RECORDING',
              recording_id: job.recording_id,
              room_session_id: job.room_session_id,
              ...fields,
              expires_at: expiresAt(table),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        }),
    ]);
  };
}
