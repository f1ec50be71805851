import type { ReconcileKind } from './open-record';

/** The port discovery reads our table through (lib/store/known-records.ts). */
export interface KnownRecords {
  /** The ids among `ids` we have a record of. */
  existing(kind: ReconcileKind, ids: string[]): Promise<Set<string>>;
  /** When the last complete listing started (ISO), if any. */
  listedThrough(): Promise<string | undefined>;
  setListedThrough(iso: string): Promise<void>;
}

/** How far back a listing reaches past the last one's start: what SignalWire created just before was listed then. */
const LISTING_OVERLAP_MS = 15 * 60_000;
/** The first listing of a stage reaches back this far. */
const FIRST_LISTING_MS = 60 * 60_000;

/** Where this run's listing starts: `--since`, else the last listing's start less the overlap, else an hour ago. */
export function listingSince(since: string | undefined, listedThrough: string | undefined, now: Date): number {
  if (since !== undefined) return Date.parse(since);
  if (listedThrough !== undefined) return Date.parse(listedThrough) - LISTING_OVERLAP_MS;
  return now.getTime() - FIRST_LISTING_MS;
}

/** The id a listed Compatibility resource is known by (its sid), and when SignalWire created it. */
export function listedIdentity(resource: Record<string, unknown>): { id: string; createdAt: number } | undefined {
  const id = resource.sid;
  const createdAt = Date.parse(String(resource.date_created));
  return typeof id === 'string' && id !== '' && Number.isFinite(createdAt) ? { id, createdAt } : undefined;
}
