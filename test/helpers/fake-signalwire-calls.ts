import { randomUUID } from 'node:crypto';

/** A call the fake Calling API created: the `params` of a `dial` command, with the id it answered. */
export interface FakeCall {
  id: string;
  from: string;
  to: string;
  url?: string;
  status_url?: string;
  params: Record<string, unknown>;
}

/**
 * The Calling API's create call (`POST /api/calling/calls`, JSON `{command: "dial", params}`), as SignalWire answers
 * it: 200 with the call (`id`, `from`, `to`, `status` queued); 422 for another command or missing from/to/url.
 */
export function createFakeCalls() {
  const calls: FakeCall[] = [];
  function handle(method: string, pathname: string, rawBody: string): { status: number; body: unknown } | undefined {
    if (pathname !== '/api/calling/calls' || method !== 'POST') return undefined;
    let request: { command?: unknown; params?: Record<string, unknown> };
    try {
      request = JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { errors: [{ code: 'invalid_json', message: 'body is not JSON' }] } };
    }
    const params = request.params ?? {};
    const missing = ['from', 'to'].filter((name) => typeof params[name] !== 'string');
    if (typeof params.url !== 'string' && typeof params.swml !== 'string') missing.push('url');
    if (request.command !== 'dial' || missing.length > 0) {
      return {
        status: 422,
        body: {
          errors: [{ code: 'invalid_parameter', message: `dial needs ${missing.join(', ') || 'command dial'}` }],
        },
      };
    }
    const call: FakeCall = { id: randomUUID(), from: String(params.from), to: String(params.to), params };
    if (typeof params.url === 'string') call.url = params.url;
    if (typeof params.status_url === 'string') call.status_url = params.status_url;
    calls.push(call);
    return {
      status: 200,
      body: { id: call.id, from: call.from, to: call.to, direction: 'outbound', status: 'queued', type: 'phone' },
    };
  }
  return { calls, handle };
}
