/** What one delivery should do to the store, as the oracle checks it (computed from what was sent, never read back). */
export type Effect =
  | { kind: 'call'; callId: string; state: string }
  | { kind: 'inbound'; messageId: string; from: string; to: string; keyword: boolean }
  | { kind: 'status'; messageId: string; status: string }
  | {
      kind: 'video';
      roomSessionId: string;
      eventKey: string;
      memberId?: string;
      side?: 'joined' | 'left';
      notifies?: string;
    }
  | { kind: 'swml'; callId: string }
  | { kind: 'poison'; reason: string };

/** One webhook as SignalWire would post it; a duplicate is the same delivery sent again (same `id`, same bytes). */
export interface Delivery {
  id: number;
  method: 'GET' | 'POST';
  /** Path and query, appended to the stack's base URL. */
  path: string;
  contentType?: string;
  body: string;
  effect: Effect;
}

export type NewDelivery = Omit<Delivery, 'id'>;

/** A seeded generator (mulberry32): the same CHAOS_SEED, the same deliveries and the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pickFrom = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)]!;

export function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const json = (path: string, payload: unknown, effect: Effect): NewDelivery => ({
  method: 'POST',
  path,
  contentType: 'application/json',
  body: JSON.stringify(payload),
  effect,
});
export const form = (path: string, fields: Record<string, string>, effect: Effect): NewDelivery => ({
  method: 'POST',
  path,
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
  effect,
});
