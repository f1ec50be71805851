/** An epoch-milliseconds time as operators read it. Parsing SignalWire's timestamps: lib/signalwire/occurred-at.ts. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()`, for the ingest's `received_at` on every webhook: the text up to the second is
 * formatted once per second and the milliseconds appended. Any time `toISOString` writes with a four-digit year
 * (0000 to 9999) comes out the same; others take the slow path.
 */
export function fastIsoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
