/**
 * Which SignalWire REST API knows a call or message, and its id there. Decided by the shape of the first delivery
 * (or by who created it: our replies are Compatibility messages) and stored on the record as `lookup`
 * (`compat:<sid>`), so the reconciler asks the right API without guessing:
 * - `compat`: the Compatibility (cXML/LaML) API, `…/Accounts/{project}/Calls/{sid}.json` and `Messages/{sid}.json`;
 * - `voice-logs`: RELAY / Call Fabric calls, `GET /api/voice/logs/{id}`, whose id is the call's `segment_id`;
 * - `messaging-logs`: RELAY messages, `GET /api/messaging/logs/{id}`.
 */
export type LookupApi = 'compat' | 'voice-logs' | 'messaging-logs';

export interface LookupRef {
  api: LookupApi;
  id: string;
}

const APIS: readonly LookupApi[] = ['compat', 'voice-logs', 'messaging-logs'];

function formatLookupRef(ref: LookupRef): string {
  return `${ref.api}:${ref.id}`;
}

/** The stored `lookup` attribute back to its API and id; undefined for anything else. */
export function parseLookupRef(text: unknown): LookupRef | undefined {
  if (typeof text !== 'string') return undefined;
  const colon = text.indexOf(':');
  const api = text.slice(0, colon) as LookupApi;
  const id = text.slice(colon + 1);
  return colon > 0 && APIS.includes(api) && id !== '' ? { api, id } : undefined;
}

type Shape = 'flat' | 'relay' | 'cxml';

/** Where a call is asked about, by the shape that reported it: cXML ids are Compatibility sids, the rest voice logs. */
export function callLookup(callId: string, shape: Shape, segmentId?: string): string {
  return formatLookupRef(
    shape === 'cxml' ? { api: 'compat', id: callId } : { api: 'voice-logs', id: segmentId ?? callId },
  );
}

/** Where a message is asked about: cXML ids (and our replies) are Compatibility sids, the rest messaging logs. */
export function messageLookup(messageId: string, shape: Shape): string {
  return formatLookupRef({ api: shape === 'cxml' ? 'compat' : 'messaging-logs', id: messageId });
}
