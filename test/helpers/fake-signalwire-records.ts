/**
 * The state SignalWire keeps about calls and messages, for the fake REST API (test/helpers/fake-signalwire.ts):
 * tests set and move records; the GET endpoints (fake-signalwire-lookups.ts) render them in each API's shape.
 *
 * Which API knows a record is its `api`, as on SignalWire: a cXML call or message lives in the Compatibility API
 * (`compat`), a RELAY / Call Fabric call in the voice logs (looked up by its `segment_id`), a RELAY message in the
 * messaging logs. Asking another API for it answers 404, as SignalWire does.
 */

export type FakeCallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'answered'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

export type FakeMessageStatus =
  | 'accepted'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'received';

/** A time as a test gives it: a Date, epoch milliseconds, or any string Date.parse reads. */
export type TimeInput = Date | number | string;

/**
 * What a test knows of a charge: a positive amount in dollars (rendered `"-0.00650"` by the Compatibility API and
 * `0.0065` as a log's `charge`), or a string the Compatibility API answers verbatim (e.g. `"-0.0065"`).
 */
export type PriceInput = number | string;

interface PriceFields {
  /** Null (the default) until SignalWire has priced it. */
  price?: PriceInput | null;
  priceUnit?: string;
  /**
   * SignalWire prices a call or message some time after it ended: the price stays null in every answer until this
   * many milliseconds after the record reached an ended status (calls: completed, busy, failed, no-answer, canceled;
   * messages: any status past queued/sending). Without it the price shows as soon as it is set.
   */
  priceAfterMs?: number;
}

export interface FakeCallInput extends PriceFields {
  /** The Compatibility API's CallSid, or a RELAY call's `call_id`. */
  sid: string;
  /** Default `compat`. */
  api?: 'compat' | 'voice-logs';
  /** A RELAY call's `segment_id`, the id the voice logs know it by (default: `sid`). */
  segmentId?: string;
  from: string;
  to: string;
  /** Compatibility: inbound | outbound-api | outbound-dial; voice logs: inbound | outbound. Default inbound. */
  direction?: string;
  status: FakeCallStatus;
  /** Default now. */
  startTime?: TimeInput | null;
  /** Default null; set to now when the status becomes an ended one without an endTime. */
  endTime?: TimeInput | null;
  /** When it was answered (RELAY's answer_time); set to now on answered / in-progress without one. */
  answerTime?: TimeInput | null;
  /** Seconds; null until it ended. */
  duration?: number | null;
  /** Where SignalWire posts its status callbacks (used by test/helpers/signalwire-sender.ts). */
  statusCallback?: string;
  dateCreated?: TimeInput;
}

export interface FakeMessageInput extends PriceFields {
  sid: string;
  /** Default `compat`. */
  api?: 'compat' | 'messaging-logs';
  from: string;
  to: string;
  /** Compatibility: inbound | outbound-api | outbound-reply | outbound-call; messaging logs: inbound | outbound. */
  direction?: string;
  status: FakeMessageStatus;
  body?: string;
  numSegments?: number;
  errorCode?: number | null;
  errorMessage?: string | null;
  dateCreated?: TimeInput;
  /** Default: null while queued/sending, else now. */
  dateSent?: TimeInput | null;
  statusCallback?: string;
}

export interface FakeCallRecord {
  kind: 'call';
  sid: string;
  api: 'compat' | 'voice-logs';
  segmentId: string;
  from: string;
  to: string;
  direction: string;
  status: FakeCallStatus;
  startTime: number | null;
  endTime: number | null;
  answerTime: number | null;
  duration: number | null;
  price: PriceInput | null;
  priceUnit: string;
  priceAfterMs: number | null;
  /** When the fake saw it reach an ended status (the clock of priceAfterMs). */
  endedAt: number | null;
  statusCallback: string | null;
  dateCreated: number;
  dateUpdated: number;
  /** Insertion order: the tie-break of newest-first lists. */
  seq: number;
}

export interface FakeMessageRecord {
  kind: 'message';
  sid: string;
  api: 'compat' | 'messaging-logs';
  from: string;
  to: string;
  direction: string;
  status: FakeMessageStatus;
  body: string;
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  price: PriceInput | null;
  priceUnit: string;
  priceAfterMs: number | null;
  endedAt: number | null;
  statusCallback: string | null;
  dateCreated: number;
  dateSent: number | null;
  dateUpdated: number;
  seq: number;
}

/** What POST Messages.json created (fake-signalwire.ts's CreatedMessage), kept in step with its record. */
interface CreatedThroughApi {
  sid: string;
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
  date_sent: string | null;
  status: FakeMessageStatus;
}

const ENDED_CALL: readonly FakeCallStatus[] = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
const UNSENT_MESSAGE: readonly FakeMessageStatus[] = ['accepted', 'queued', 'sending'];

export const isEndedCall = (status: FakeCallStatus) => ENDED_CALL.includes(status);
const isSentMessage = (status: FakeMessageStatus) => !UNSENT_MESSAGE.includes(status);

export function toMs(time: TimeInput | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`fake SignalWire: not a time: ${String(time)}`);
  return ms;
}

/** The price as SignalWire would show it now: null before it is set, or while priceAfterMs has not passed. */
export function visiblePrice(
  record: Pick<FakeCallRecord, 'price' | 'priceAfterMs' | 'endedAt'>,
  now = Date.now(),
): PriceInput | null {
  if (record.price === null || record.priceAfterMs === null) return record.price;
  return record.endedAt !== null && now >= record.endedAt + record.priceAfterMs ? record.price : null;
}

/** The calls and messages of the fake space, keyed by sid (and voice-log calls by segment id too). */
export function createFakeRecords() {
  const calls = new Map<string, FakeCallRecord>();
  const messages = new Map<string, FakeMessageRecord>();
  const created = new Map<string, CreatedThroughApi>();
  let seq = 0;

  function applyPrice(record: FakeCallRecord | FakeMessageRecord, changes: PriceFields): void {
    if (changes.price !== undefined) {
      record.price = changes.price;
      // A price given later without a delay is there now (an explicit update is "SignalWire priced it").
      record.priceAfterMs = changes.priceAfterMs ?? null;
    } else if (changes.priceAfterMs !== undefined) record.priceAfterMs = changes.priceAfterMs;
    if (changes.priceUnit !== undefined) record.priceUnit = changes.priceUnit;
  }

  function moveCall(record: FakeCallRecord, changes: Partial<FakeCallInput>, now: number): void {
    if (changes.from !== undefined) record.from = changes.from;
    if (changes.to !== undefined) record.to = changes.to;
    if (changes.direction !== undefined) record.direction = changes.direction;
    if (changes.segmentId !== undefined) record.segmentId = changes.segmentId;
    if (changes.statusCallback !== undefined) record.statusCallback = changes.statusCallback;
    if (changes.startTime !== undefined) record.startTime = toMs(changes.startTime);
    if (changes.endTime !== undefined) record.endTime = toMs(changes.endTime);
    if (changes.answerTime !== undefined) record.answerTime = toMs(changes.answerTime);
    if (changes.duration !== undefined) record.duration = changes.duration;
    if (changes.status !== undefined) {
      record.status = changes.status;
      if ((changes.status === 'answered' || changes.status === 'in-progress') && record.answerTime === null)
        record.answerTime = now;
      if (isEndedCall(changes.status)) {
        record.endTime ??= now;
        record.endedAt ??= now;
      }
    }
    applyPrice(record, changes);
    record.dateUpdated = now;
  }

  function moveMessage(record: FakeMessageRecord, changes: Partial<FakeMessageInput>, now: number): void {
    if (changes.from !== undefined) record.from = changes.from;
    if (changes.to !== undefined) record.to = changes.to;
    if (changes.direction !== undefined) record.direction = changes.direction;
    if (changes.body !== undefined) record.body = changes.body;
    if (changes.numSegments !== undefined) record.numSegments = changes.numSegments;
    if (changes.errorCode !== undefined) record.errorCode = changes.errorCode;
    if (changes.errorMessage !== undefined) record.errorMessage = changes.errorMessage;
    if (changes.statusCallback !== undefined) record.statusCallback = changes.statusCallback;
    if (changes.dateSent !== undefined) record.dateSent = toMs(changes.dateSent);
    if (changes.status !== undefined) {
      record.status = changes.status;
      if (isSentMessage(changes.status)) {
        record.dateSent ??= now;
        record.endedAt ??= now;
      }
    }
    applyPrice(record, changes);
    record.dateUpdated = now;
    // A message POST Messages.json created: `fake.created` tells the same story.
    const createdMessage = created.get(record.sid);
    if (createdMessage) {
      createdMessage.status = record.status;
      createdMessage.date_sent = record.dateSent === null ? null : new Date(record.dateSent).toUTCString();
    }
  }

  return {
    calls,
    messages,
    setCall(input: FakeCallInput): FakeCallRecord {
      const now = Date.now();
      const record: FakeCallRecord = {
        kind: 'call',
        sid: input.sid,
        api: input.api ?? 'compat',
        segmentId: input.segmentId ?? input.sid,
        from: input.from,
        to: input.to,
        direction: input.direction ?? 'inbound',
        status: input.status,
        startTime: input.startTime === undefined ? now : toMs(input.startTime),
        endTime: null,
        answerTime: null,
        duration: null,
        price: null,
        priceUnit: 'USD',
        priceAfterMs: null,
        endedAt: null,
        statusCallback: null,
        dateCreated: toMs(input.dateCreated) ?? now,
        dateUpdated: now,
        seq: seq++,
      };
      moveCall(record, { ...input, startTime: undefined }, now);
      calls.set(record.sid, record);
      return record;
    },
    updateCall(sid: string, changes: Partial<Omit<FakeCallInput, 'sid' | 'api'>>): FakeCallRecord {
      const record = calls.get(sid);
      if (!record) throw new Error(`fake SignalWire: no call ${sid}`);
      moveCall(record, changes, Date.now());
      return record;
    },
    setMessage(input: FakeMessageInput): FakeMessageRecord {
      const now = Date.now();
      const record: FakeMessageRecord = {
        kind: 'message',
        sid: input.sid,
        api: input.api ?? 'compat',
        from: input.from,
        to: input.to,
        direction: input.direction ?? 'inbound',
        status: input.status,
        body: '',
        numSegments: 1,
        errorCode: null,
        errorMessage: null,
        price: null,
        priceUnit: 'USD',
        priceAfterMs: null,
        endedAt: null,
        statusCallback: null,
        dateCreated: toMs(input.dateCreated) ?? now,
        dateSent: null,
        dateUpdated: now,
        seq: seq++,
      };
      moveMessage(record, input, now);
      messages.set(record.sid, record);
      return record;
    },
    updateMessage(sid: string, changes: Partial<Omit<FakeMessageInput, 'sid' | 'api'>>): FakeMessageRecord {
      const record = messages.get(sid);
      if (!record) throw new Error(`fake SignalWire: no message ${sid}`);
      moveMessage(record, changes, Date.now());
      return record;
    },
    /** A message POST Messages.json accepted: readable by sid and listed from now on, movable by updateMessage. */
    addCreated(message: CreatedThroughApi): void {
      created.set(message.sid, message);
      const now = Date.now();
      messages.set(message.sid, {
        kind: 'message',
        sid: message.sid,
        api: 'compat',
        from: message.from,
        to: message.to,
        direction: 'outbound-api',
        status: message.status,
        body: message.body,
        numSegments: 1,
        errorCode: null,
        errorMessage: null,
        price: null,
        priceUnit: 'USD',
        priceAfterMs: null,
        endedAt: isSentMessage(message.status) ? now : null,
        statusCallback: message.statusCallback ?? null,
        dateCreated: now,
        dateSent: message.date_sent === null ? null : now,
        dateUpdated: now,
        seq: seq++,
      });
    },
    /** SignalWire no longer knows it: every lookup of this sid answers 404. */
    forget(sid: string): boolean {
      created.delete(sid);
      const bySegment = [...calls.values()].find((c) => c.segmentId === sid);
      return calls.delete(sid) || messages.delete(sid) || (bySegment !== undefined && calls.delete(bySegment.sid));
    },
  };
}

export type FakeRecords = ReturnType<typeof createFakeRecords>;
