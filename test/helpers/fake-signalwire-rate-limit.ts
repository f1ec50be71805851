import type { FakeAnswer } from './fake-signalwire-lookups';

/**
 * SignalWire's rate limiting: any endpoint may answer 429 Too Many Requests with `Retry-After: <seconds>`. The
 * Compatibility API's body is Twilio's error 20429; the SignalWire REST API's is its `errors` list.
 */
export function createRateLimits() {
  const pending: number[] = [];
  const state = { answered: 0 };
  return {
    /** The next `count` requests are answered 429 with `Retry-After: retryAfterSeconds`. */
    next(count: number, retryAfterSeconds: number): void {
      for (let index = 0; index < count; index += 1) pending.push(retryAfterSeconds);
    },
    /** The 429 for this request when one is due, else undefined. */
    take(pathname: string): FakeAnswer | undefined {
      const retryAfter = pending.shift();
      if (retryAfter === undefined) return undefined;
      state.answered += 1;
      const message = 'Too Many Requests';
      return {
        status: 429,
        headers: { 'Retry-After': String(retryAfter) },
        body: pathname.startsWith('/api/laml/')
          ? { code: 20429, message, more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 }
          : { errors: [{ code: 'too_many_requests', message }] },
      };
    },
    /** A 429 answered otherwise (failNext(n, 429)) counts too. */
    noteAnswered(status: number): void {
      if (status === 429) state.answered += 1;
    },
    get answered(): number {
      return state.answered;
    },
  };
}
