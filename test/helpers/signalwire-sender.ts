import type { FakeSignalWire } from './fake-signalwire';
import {
  type FakeCallInput,
  type FakeCallRecord,
  type FakeCallStatus,
  type FakeMessageInput,
  type FakeMessageRecord,
  type FakeMessageStatus,
  type TimeInput,
  isEndedCall,
  toMs,
} from './fake-signalwire-records';
import { postBodyAsSignalWire } from './post-as-signalwire';
import { callStatusBody, messageStatusBody } from './signalwire-sender-bodies';

/**
 * Plays SignalWire's webhook sender: posts a call's or message's status callbacks to the local stack, signed as
 * SignalWire signs them (post-as-signalwire.ts), and retries like SignalWire: an answer of 5xx, a reset or a timeout
 * is tried again 1 s, 2 s, then 4 s later (`retryDelayMs` scales the first gap), and after `maxAttempts` SignalWire
 * gives up: that state is never delivered. A 4xx is not retried (SignalWire takes it as the endpoint's refusal).
 *
 * The lifecycles move the fake API's record to each state before sending it, so the REST API tells what SignalWire
 * tried to tell us, whether or not the callback got through.
 */
export interface SignalWireSenderOptions {
  /** The stack's base URL; may carry Basic credentials and a query secret, as a URL a user gives SignalWire. */
  baseUrl: string;
  signingKey?: string;
  /** Default `/call-status`. */
  callStatusPath?: string;
  /** Default `/message-status`. */
  messageStatusPath?: string;
  /** Default 4: the first try and three retries. */
  maxAttempts?: number;
  /** The first gap between tries, doubled for each further one; default 1000 (SignalWire's 1 s, 2 s, 4 s). */
  retryDelayMs?: number;
  /** How long each try waits for an answer; default 5000. */
  timeoutMs?: number;
  /** The AccountSid / project_id the callbacks carry; default `p-test`. */
  accountSid?: string;
}

export interface SenderDelivery {
  /** Answered 2xx on some try. */
  delivered: boolean;
  /** Tries made: 0 for a state the step said not to deliver. */
  attempts: number;
  /** The last answer's status, `timeout` or `error` (reset, refused), or `skipped` (deliver: false). */
  lastStatus: number | 'timeout' | 'error' | 'skipped';
  url: string;
  body: string;
}

/** One state of a lifecycle: the record's changes (status and anything else), when, and whether it is posted. */
export type CallStep = Partial<Omit<FakeCallInput, 'sid' | 'api'>> & {
  status: FakeCallStatus;
  /** When it happened (the callback's Timestamp; start, answer and end times of the record); default now. */
  at?: TimeInput;
  /** False: SignalWire's record moves, but its callback is lost (never posted). Default true. */
  deliver?: boolean;
};

export type MessageStep = Partial<Omit<FakeMessageInput, 'sid' | 'api'>> & {
  status: FakeMessageStatus;
  /** The callback's time (RELAY's timestamp; cXML's message callbacks carry none); default now. */
  at?: TimeInput;
  deliver?: boolean;
};

type FakeRecordsApi = Pick<
  FakeSignalWire,
  'setCall' | 'updateCall' | 'getCall' | 'setMessage' | 'updateMessage' | 'getMessage'
>;

export function createSignalWireSender(options: SignalWireSenderOptions) {
  const maxAttempts = options.maxAttempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const accountSid = options.accountSid ?? 'p-test';

  /** The stack's URL for a route: its path appended, its credentials and query kept. */
  function routeUrl(path: string): string {
    const url = new URL(options.baseUrl);
    url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
    return url.href;
  }

  async function post(target: string, body: string, contentType: string): Promise<SenderDelivery> {
    let lastStatus: SenderDelivery['lastStatus'] = 'error';
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await postBodyAsSignalWire(target, body, contentType, options.signingKey, timeoutMs);
        await response.arrayBuffer();
        lastStatus = response.status;
      } catch (error) {
        lastStatus = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      }
      const retryable = typeof lastStatus !== 'number' || lastStatus >= 500;
      if (typeof lastStatus === 'number' && lastStatus >= 200 && lastStatus < 300)
        return { delivered: true, attempts: attempt, lastStatus, url: target, body };
      if (!retryable || attempt >= maxAttempts)
        return { delivered: false, attempts: attempt, lastStatus, url: target, body };
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
    }
  }

  const skipped = (url: string, body: string): SenderDelivery => ({
    delivered: false,
    attempts: 0,
    lastStatus: 'skipped',
    url,
    body,
  });

  /** Posts the call's status callback as the record is now (to its statusCallback, else the stack's route). */
  async function callStatus(call: FakeCallRecord, at: TimeInput = Date.now(), deliver = true) {
    const { body, contentType } = callStatusBody(call, toMs(at)!, accountSid);
    const url = call.statusCallback ?? routeUrl(options.callStatusPath ?? '/call-status');
    return deliver ? post(url, body, contentType) : skipped(url, body);
  }

  async function messageStatus(message: FakeMessageRecord, at: TimeInput = Date.now(), deliver = true) {
    const { body, contentType } = messageStatusBody(message, toMs(at)!, accountSid);
    const url = message.statusCallback ?? routeUrl(options.messageStatusPath ?? '/message-status');
    return deliver ? post(url, body, contentType) : skipped(url, body);
  }

  return {
    /** Posts any body to a route path (`/call-status`) or a full URL, with SignalWire's retries. */
    post(pathOrUrl: string, body: string, contentType: string): Promise<SenderDelivery> {
      return post(/^https?:/.test(pathOrUrl) ? pathOrUrl : routeUrl(pathOrUrl), body, contentType);
    },
    callStatus,
    messageStatus,
    /**
     * For each state in order: the fake's call takes it (created by the first step if the fake does not know the
     * call), then its callback is posted. `at` also sets the start time (first step), the answer time and the end
     * time. Resolves once every state was delivered or given up on, one result per state.
     */
    async callLifecycle(fake: FakeRecordsApi, call: Omit<FakeCallInput, 'status'>, states: CallStep[]) {
      const results: SenderDelivery[] = [];
      for (const { at, deliver, ...changes } of states) {
        const when = toMs(at) ?? Date.now();
        const timed: Partial<FakeCallInput> = { ...changes };
        if (at !== undefined && isEndedCall(changes.status)) timed.endTime ??= when;
        if (at !== undefined && (changes.status === 'answered' || changes.status === 'in-progress'))
          timed.answerTime ??= when;
        const known = fake.getCall(call.sid);
        const record = known
          ? fake.updateCall(known.sid, timed)
          : fake.setCall({ ...call, ...(at !== undefined && { startTime: when }), ...timed, status: changes.status });
        results.push(await callStatus(record, when, deliver ?? true));
      }
      return results;
    },
    /**
     * The same for a message: `message` is a sid the fake knows (a reply POST Messages.json created: its callbacks
     * go to the StatusCallback it was given) or a message to create with the first step.
     */
    async messageLifecycle(
      fake: FakeRecordsApi,
      message: string | Omit<FakeMessageInput, 'status'>,
      states: MessageStep[],
    ) {
      const results: SenderDelivery[] = [];
      const sid = typeof message === 'string' ? message : message.sid;
      for (const { at, deliver, ...changes } of states) {
        const when = toMs(at) ?? Date.now();
        const known = fake.getMessage(sid);
        if (!known && typeof message === 'string') throw new Error(`fake SignalWire: no message ${sid}`);
        const record = known
          ? fake.updateMessage(sid, changes)
          : fake.setMessage({ ...(message as Omit<FakeMessageInput, 'status'>), ...changes });
        results.push(await messageStatus(record, when, deliver ?? true));
      }
      return results;
    },
  };
}

export type SignalWireSender = ReturnType<typeof createSignalWireSender>;
