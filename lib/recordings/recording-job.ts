import { PermanentError } from '../errors';

/** A completed recording to copy into the stage's bucket: what the worker queues on the recordings queue. */
export interface CopyJob {
  version: 1;
  room_session_id: string;
  recording_id: string;
  /** Where SignalWire serves the recording. */
  url: string;
  room_id?: string;
  duration_seconds?: number;
  requested_at: string;
}

/** The port the worker asks for a copy through (lib/aws/sqs.ts over the recordings queue); absent: no copies. */
export interface RecordingCopies {
  request(job: CopyJob): Promise<void>;
}

/** A queued message back into a job; anything else can never be copied. */
export function parseCopyJob(body: string): CopyJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PermanentError('copy job is not JSON');
  }
  const job = value as Partial<CopyJob> | null;
  if (job === null || typeof job !== 'object' || job.version !== 1)
    throw new PermanentError('not a copy job (version 1)');
  for (const name of ['room_session_id', 'recording_id', 'url'] as const)
    if (typeof job[name] !== 'string' || job[name] === '') throw new PermanentError(`copy job has no ${name}`);
  return job as CopyJob;
}
