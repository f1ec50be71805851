/** An epoch-milliseconds time as operators read it. Parsing SignalWire's timestamps: lib/signalwire/occurred-at.ts. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
