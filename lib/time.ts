/**
 * Event times as epoch milliseconds. SignalWire sends ISO strings (flat JSON), epoch seconds or milliseconds
 * (RELAY) and RFC 2822 dates (cXML); when a delivery carries no usable time, the time we received it stands in.
 */
export function eventTimeMs(value: unknown, receivedAt: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Below 1e11 it can only be seconds (1e11 ms is 1973; 1e11 s is the year 5138).
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const numeric = Number(value);
    if (Number.isFinite(numeric)) return eventTimeMs(numeric, receivedAt);
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return Date.parse(receivedAt);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
