import { recordingKey } from '../../lib/recordings/recording-key';
import type { Context } from './context';
import { roomShows } from './context';
import type { DeadLetter } from './read-state';

/** The recordings' figures (chaos/results/latest.json `recordings`). */
export interface RecordingTally {
  /** Recordings whose `recording.completed` is applied (every one has a URL), and of those, the ones whose URL 404s. */
  completed: number;
  completed_not_found: number;
  /** In the bucket once and whole (size and sha256 as the source's), filed on the room's recording and its pointer. */
  copied: number;
  bytes_copied: number;
  /** Recordings in the recordings DLQ: in all, because their URL answered 404, after every retry failed. */
  dead_lettered: number;
  dead_lettered_not_found: number;
  dead_lettered_exhausted: number;
  /** Each recording dead-lettered for another reason than a 404: its id and the copier's last error. */
  exhausted_reasons: string[];
  /** Dead letters of recordings copied anyway (another job for the same recording copied it): no harm, counted. */
  dead_letters_of_copied: number;
  /** Applied, but the delivery that applied it is in the webhook DLQ (no copy may have been asked for): neither needed. */
  not_requested: number;
  downloads_started: number;
  downloads_completed: number;
  downloads_cut: number;
  /** Uploads S3 completed (PutObject or CompleteMultipartUpload), and of those the ones whose answer reached the copier. */
  uploads_completed: number;
  uploads_answered: number;
}

const NOT_FOUND = 'not found at its URL';

/**
 * Every completed recording with a URL is in the bucket exactly once and whole, or in the recordings DLQ with its
 * reason when it can never be copied:
 * - copied: one object at its key (listed once; no other object in the bucket), its size and sha256 those of the
 *   bytes the recording server serves, the same figures and key on the room's recording and on its `RECORDING#<id>`
 *   pointer; the recording server sent it whole at least once; S3 answered the copier at most one completed upload
 *   for it (a second one would be the recording uploaded twice: double-applied);
 * - a recording whose URL answers 404: never stored, and dead-lettered as `not found at its URL`;
 * - any other recording not in the bucket: in the recordings DLQ with a reason (its retries exhausted), or else lost,
 *   unless no copy was asked for (the completion that applied it sits in the webhook DLQ).
 */
export function checkRecordings(ctx: Context): RecordingTally {
  const input = ctx.input.recordings;
  const tally: RecordingTally = {
    completed: 0,
    completed_not_found: 0,
    copied: 0,
    bytes_copied: 0,
    dead_lettered: 0,
    dead_lettered_not_found: 0,
    dead_lettered_exhausted: 0,
    exhausted_reasons: [],
    dead_letters_of_copied: 0,
    not_requested: 0,
    downloads_started: input.server.started,
    downloads_completed: input.server.completed,
    downloads_cut: input.server.cut,
    uploads_completed: Object.values(input.uploads).reduce((n, u) => n + u.completed, 0),
    uploads_answered: Object.values(input.uploads).reduce((n, u) => n + u.delivered, 0),
  };
  const letters = recordingDeadLetters(ctx, input.copier.timeout_exits > 0);
  const completions = ctx.group('video', (e) => e.eventKey);
  const keys = new Set<string>();
  for (const plan of input.plans) {
    const what = `recording ${plan.recordingId}${plan.missing ? ' (404)' : ''}`;
    const key = recordingKey(plan.roomSessionId, plan.recordingId, plan.url);
    if (!plan.missing) keys.add(key);
    const eventKey = `recording.completed:${plan.recordingId}`;
    const room = ctx.input.rooms.get(plan.roomSessionId);
    const applied = roomShows(room, eventKey);
    // Acknowledged and not dead-lettered: the worker applied it and asked for the copy (also after a duplicate).
    const requested = (completions.get(eventKey) ?? []).some((d) => ctx.required(d));
    if (applied) tally.completed++;
    if (applied && plan.missing) tally.completed_not_found++;
    const object = input.objects.get(key);
    const dead = letters.get(plan.recordingId) ?? [];
    const filed = room?.recordings.find((r) => r.id === plan.recordingId);
    const pointer = ctx.item(`RECORDING#${plan.recordingId}`);
    if (dead.length > 0) {
      tally.dead_lettered++;
      if (dead.some((l) => l.reason.includes(NOT_FOUND))) tally.dead_lettered_not_found++;
      else {
        tally.dead_lettered_exhausted++;
        tally.exhausted_reasons.push(
          `${plan.recordingId} (${plan.size} bytes): ${dead.map((l) => l.reason).join('; ')}`,
        );
      }
    }
    if (plan.missing) {
      if (object !== undefined) ctx.problem('wrong_final_state', `${what}: stored at ${key}, its URL answers 404`);
      if (filed?.s3_key || pointer?.s3_key)
        ctx.problem('wrong_final_state', `${what}: filed as copied (${filed?.s3_key ?? pointer?.s3_key})`);
      if (dead.length === 0) {
        if (requested) ctx.problem('lost', `${what}: a copy was asked for, yet it is not in the recordings DLQ`);
      } else if (!dead.some((l) => l.reason.includes(NOT_FOUND) && l.category === 'invalid'))
        ctx.problem(
          'wrong_final_state',
          `${what}: dead-lettered as ${dead.map((l) => `${l.category} (${l.reason})`).join('; ')}, not as ${NOT_FOUND}`,
        );
      continue;
    }
    for (const l of dead)
      if (l.category === 'invalid')
        ctx.problem('wrong_final_state', `${what}: dead-lettered as invalid (${l.reason}), yet it can be copied`);
    if (object === undefined) {
      if (filed?.s3_key || pointer?.s3_key)
        ctx.problem('wrong_final_state', `${what}: filed as copied to ${filed?.s3_key ?? pointer?.s3_key}, no object`);
      if (dead.length > 0) continue;
      if (requested)
        ctx.problem('lost', `${what}: a copy was asked for, yet it is neither in the bucket nor in the DLQ`);
      else if (applied) tally.not_requested++;
      continue;
    }
    if (dead.length > 0) tally.dead_letters_of_copied++;
    const differences = [
      ...(object.listed === 1 ? [] : [`listed ${object.listed} times`]),
      ...(object.size === plan.size ? [] : [`object ${object.size} bytes, the recording ${plan.size}`]),
      ...(object.sha256 === plan.sha256 ? [] : [`object sha256 ${object.sha256.slice(0, 12)}, not the recording's`]),
      ...filingDifferences('room recording', filed, input.bucket, key, plan),
      ...filingDifferences('pointer', pointer, input.bucket, key, plan),
      ...((input.downloads.get(plan.recordingId)?.completed ?? 0) >= 1 ? [] : ['never downloaded whole']),
    ];
    if (differences.length > 0) ctx.problem('wrong_final_state', `${what} at ${key}: ${differences.join('; ')}`);
    else {
      tally.copied++;
      tally.bytes_copied += object.size;
    }
    const answered = input.uploads[key]?.delivered ?? 0;
    if (answered > 1)
      ctx.problem('double_applied', `${what}: S3 answered the copier ${answered} completed uploads`, answered - 1);
  }
  for (const key of input.objects.keys())
    if (!keys.has(key)) ctx.problem('wrong_final_state', `object ${key} in the bucket is no scenario recording's`);
  if (!input.drained)
    ctx.problem('lost', 'the recordings queue did not drain before the deadline: what is left was not checked');
  return tally;
}

type Filed = { s3_bucket?: unknown; s3_key?: unknown; size?: unknown; sha256?: unknown } | undefined;

/** How a filing (the room's recording item, or the `RECORDING#<id>` pointer) differs from the copy in the bucket. */
function filingDifferences(
  what: string,
  filed: Filed,
  bucket: string,
  key: string,
  plan: { size: number; sha256?: string },
): string[] {
  if (filed === undefined || !filed.s3_key) return [`no ${what} filed`];
  return [
    ...(filed.s3_bucket === bucket && filed.s3_key === key ? [] : [`${what} at ${filed.s3_bucket}/${filed.s3_key}`]),
    ...(filed.size === plan.size ? [] : [`${what} size ${filed.size}`]),
    ...(filed.sha256 === plan.sha256 ? [] : [`${what} sha256 ${String(filed.sha256).slice(0, 12)}`]),
  ];
}

type RecordingLetter = DeadLetter & { reason: string; category: string };

/**
 * The recordings DLQ by recording id (a dead letter's body is its copy job), each with its reason and category: the
 * copier's own, or, for one SQS moved (its last delivery's copier died), that. A letter without a reason, or that is
 * no scenario recording's job, is a wrong final state.
 */
function recordingDeadLetters(ctx: Context, crashes: boolean): Map<string, RecordingLetter[]> {
  const byRecording = new Map<string, RecordingLetter[]>();
  const known = new Set(ctx.input.recordings.plans.map((p) => p.recordingId));
  for (const letter of ctx.input.recordings.deadLetters) {
    let job: { recording_id?: string } = {};
    try {
      job = JSON.parse(letter.body);
    } catch {
      // reported below as no recording's
    }
    const id = String(job.recording_id ?? '');
    if (!known.has(id)) {
      ctx.problem('wrong_final_state', `recordings dead letter ${letter.body.slice(0, 80)} is no scenario recording's`);
      continue;
    }
    const reason =
      letter.attributes.failure_reason ||
      (crashes ? 'moved by SQS: the copier died or timed out on every delivery' : '');
    if (!reason) ctx.problem('wrong_final_state', `recordings dead letter of ${id} has no reason`);
    const category = letter.attributes.failure_category || 'exhausted';
    byRecording.set(id, [...(byRecording.get(id) ?? []), { ...letter, reason, category }]);
  }
  return byRecording;
}
