import type { LookupRef } from '../signalwire/lookup-ref';

export type ReconcileKind = 'call' | 'message';

/** A call or message SignalWire may still have news about, as the open index lists it. */
export interface OpenRecord {
  kind: ReconcileKind;
  id: string;
  lookup: LookupRef;
  /** The call's state or the message's status as we have it. */
  state?: string;
  priced: boolean;
  firstSeenAt: string;
  lastChangeAt: string;
}

/** The port the reconciler reads the open index through (lib/store/open-records.ts). */
export interface OpenRecords {
  /** Open records of a kind last changed at or before `changedBefore` (and first seen since `firstSeenSince`), oldest change first. */
  list(
    kind: ReconcileKind,
    range: { changedBefore: string; firstSeenSince?: string },
    limit: number,
  ): Promise<OpenRecord[]>;
}
