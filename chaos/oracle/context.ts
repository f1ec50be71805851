import type { RoomSession } from '../../lib/video/room-session';
import type { CreatedMessage } from '../../test/helpers/fake-signalwire';
import type { Published } from '../aws-stand-ins';
import type { ReconcilerSummary } from '../reconciler-runs';
import type { UploadCounts } from '../proxy-thread';
import type { CallPlan, Delivery, MessagePlan, RecordingPlan } from '../scenario';
import type { SendResult } from '../sender';
import type { DeadLetter, Item, StoredObject } from './read-state';

/** The recordings' side of a run: what the recording server holds, what the bucket and the recordings DLQ hold. */
interface RecordingsInput {
  /** Each room's recording, with the sha256 of the bytes the recording server serves (none when missing). */
  plans: (RecordingPlan & { sha256?: string })[];
  bucket: string;
  /** The bucket's objects under recordings/, by key. */
  objects: Map<string, StoredObject>;
  deadLetters: DeadLetter[];
  /** The recording server's downloads of each recording (by recording id), and in all. */
  downloads: Map<string, { started: number; completed: number; cut: number }>;
  server: { started: number; completed: number; cut: number };
  /** Uploads S3 completed through its fault proxy, by key. */
  uploads: UploadCounts;
  /** The recordings queue held nothing before the copier was stopped. */
  drained: boolean;
  /** The copier's event source: its batches, and the times its process timed out and was started again. */
  copier: { batches: number; deleted: number; failed: number; timeout_exits: number };
}

export interface OracleInput {
  results: SendResult[];
  calls: CallPlan[];
  /** Outbound messages whose receipts were sent: SignalWire's final status and price of each. */
  messages: MessagePlan[];
  items: Map<string, Item>;
  rooms: Map<string, RoomSession>;
  deadLetters: DeadLetter[];
  created: CreatedMessage[];
  published: Published[];
  /** What the stage's bus accepted (through its fault proxy): the events of the applied changes. */
  busEvents: { detail: Record<string, unknown> }[];
  /** The run's one destination (every event type): the requests it received, its secret, its DLQ. */
  destination: {
    received: { headers: Record<string, string | string[] | undefined>; body: string; answer: number | 'hang' }[];
    secret: string;
    deadLetters: DeadLetter[];
    drained: boolean;
  };
  drained: boolean;
  durationSeconds: number;
  sendSeconds: number;
  /** From the last delivery sent until the queue held nothing. */
  drainSeconds?: number;
  faults: Record<string, number>;
  faultsByTarget: unknown;
  /** What was sent, queued and done every few seconds (chaos/progress.ts). */
  progress?: unknown[];
  workerStats: unknown;
  recordings: RecordingsInput;
  /** The scheduled reconciler's runs, and how it went for the records whose webhooks the sender gave up on. */
  reconcile: {
    runs: ReconcilerSummary;
    /** 429s the stand-in SignalWire answered (injected before some runs). */
    standInRateLimited: number;
    /** From the sender's last give-up until every record was in SignalWire's final state (null: not within the run). */
    restoredAfterLastDropSeconds: number | null;
  };
}

export type ProblemKind = 'lost' | 'double_applied' | 'wrong_final_state';

/** What the checks share: the deliveries by id, which were acknowledged, which sit in the DLQ, and the findings. */
export class Context {
  readonly deliveries = new Map<number, Delivery>();
  readonly acked = new Set<number>();
  /** Delivery id -> its dead letters (an envelope's exact body names the delivery it wraps). */
  readonly dead = new Map<number, DeadLetter[]>();
  readonly problems: { kind: ProblemKind; detail: string }[] = [];
  readonly counts: Record<ProblemKind, number> = { lost: 0, double_applied: 0, wrong_final_state: 0 };

  constructor(readonly input: OracleInput) {
    for (const r of input.results) {
      this.deliveries.set(r.delivery.id, r.delivery);
      if (r.acked) this.acked.add(r.delivery.id);
    }
  }

  problem(kind: ProblemKind, detail: string, weight = 1): void {
    this.counts[kind] += weight;
    if (this.problems.length < 100) this.problems.push({ kind, detail });
  }

  item(pk: string): Record<string, any> | undefined {
    return this.input.items.get(pk);
  }

  /** Deliveries of one kind of effect, grouped by the entity they touch. */
  group<K extends Delivery['effect']['kind']>(
    kind: K,
    keyOf: (effect: Extract<Delivery['effect'], { kind: K }>) => string,
  ): Map<string, Delivery[]> {
    const groups = new Map<string, Delivery[]>();
    for (const d of this.deliveries.values()) {
      if (d.effect.kind !== kind) continue;
      const key = keyOf(d.effect as Extract<Delivery['effect'], { kind: K }>);
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    return groups;
  }

  /** Acknowledged and not dead-lettered: its effect must be in the store. */
  required(d: Delivery): boolean {
    return this.acked.has(d.id) && !this.dead.has(d.id);
  }
}

export const setOf = (value: unknown): Set<string> =>
  value instanceof Set ? (value as Set<string>) : new Set<string>();

/** Whether a room session shows a video event (by its key) as applied, in the operators' read model. */
export function roomShows(room: RoomSession | undefined, eventKey: string): boolean {
  if (room === undefined) return false;
  if (eventKey === 'room.started') return room.started_at !== null;
  if (eventKey === 'room.ended') return room.ended_at !== null;
  const colon = eventKey.indexOf(':');
  const [type, id] = [eventKey.slice(0, colon), eventKey.slice(colon + 1)];
  const member = room.members.find((m) => m.id === id);
  const recording = room.recordings.find((r) => r.id === id);
  if (type === 'member.joined') return (member?.joined_at ?? null) !== null;
  if (type === 'member.left') return (member?.left_at ?? null) !== null;
  if (type === 'recording.started') return (recording?.started_at ?? null) !== null;
  if (type === 'recording.completed') return recording?.state === 'completed' && recording.completed_at !== null;
  return false;
}
