import type { OpenRecord, OpenRecords } from '../reconcile/open-record';
import { parseLookupRef } from '../signalwire/lookup-ref';
import { queryOpenRecords } from './open-index';
import type { TableRef } from './table';

/** The open index as the reconciler reads it; an item without a readable `lookup` cannot be asked about and is skipped. */
export function createOpenRecords(table: TableRef): OpenRecords {
  return {
    async list(kind, range, limit) {
      const items = await queryOpenRecords(table, kind, range, limit);
      return items.flatMap((item): OpenRecord[] => {
        const lookup = parseLookupRef(item.lookup);
        const pk = String(item.pk);
        if (lookup === undefined) return [];
        const state = kind === 'call' ? item.state : item.status;
        return [
          {
            kind,
            id: pk.slice(pk.indexOf('#') + 1),
            lookup,
            ...(typeof state === 'string' && { state }),
            priced: typeof item.price === 'number',
            firstSeenAt: String(item.first_seen_at),
            lastChangeAt: String(item.open_sk),
          },
        ];
      });
    },
  };
}
