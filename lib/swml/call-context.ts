import { isRecord } from '../signalwire/payload-fields';

/**
 * Who is calling whom, read from a SWML fetch. Every field may be missing: SWML must always answer, so nothing
 * here throws, and a field that is absent, not a string or absurdly long is simply undefined.
 */
export interface SwmlCallContext {
  callId: string | undefined;
  from: string | undefined;
  to: string | undefined;
  direction: 'inbound' | 'outbound' | undefined;
}

const MAX_FIELD_LENGTH = 256;

/**
 * GET  /swml?From=&To=&CallSid=&Direction=        (query parameters; a repeated one counts once)
 * POST /swml {call: {call_id, from, to, from_number, to_number, direction, ...}, vars, envs, params}
 */
export function swmlCallContextFrom(request: unknown): SwmlCallContext {
  if (!isRecord(request)) return { callId: undefined, from: undefined, to: undefined, direction: undefined };
  if (isRecord(request.call)) {
    const call = request.call;
    // `from`/`to` may be SIP URIs on SIP calls; the *_number fields carry the phone number when there is one.
    return {
      callId: field(call.call_id),
      from: phoneField(call.from_number) ?? phoneField(call.from),
      to: phoneField(call.to_number) ?? phoneField(call.to),
      direction: directionFrom(call.direction),
    };
  }
  return {
    callId: field(request.CallSid) ?? field(request.call_id),
    from: phoneField(request.From),
    to: phoneField(request.To),
    direction: directionFrom(request.Direction),
  };
}

function field(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  const trimmed = first.trim();
  return trimmed === '' || trimmed.length > MAX_FIELD_LENGTH ? undefined : trimmed;
}

function phoneField(value: unknown): string | undefined {
  // A `+` that reached us unescaped in a query string decodes to a space: ' 15551234567' is '+15551234567'.
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'string' && /^ \d{7,15}$/.test(raw)) return `+${raw.slice(1)}`;
  return field(value);
}

// cXML says `outbound-api` / `outbound-dial`; RELAY and flat say `outbound`.
function directionFrom(value: unknown): SwmlCallContext['direction'] {
  const direction = field(value)?.toLowerCase();
  if (direction === 'inbound') return 'inbound';
  return direction?.startsWith('outbound') ? 'outbound' : undefined;
}
