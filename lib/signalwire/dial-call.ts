import { ConfigError, DependencyError } from '../errors';
import { requireHttpsUrl } from '../security/https-url';
import { failureFor, isTimeout, parseJsonObject } from './rest-responses';
import { DEFAULT_TIMEOUT_MS, normalizeSpaceUrl, type SignalWireApiConfig } from './account-api';

export interface DialRequest {
  from: string;
  to: string;
  /** Base URL of our stack: the call fetches its SWML from `<base>/swml` and reports to `<base>/call-status`. */
  baseUrl: string;
}

export interface DialedCall {
  call_id: string;
  from: string;
  to: string;
  url: string;
  status_url: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Places an outbound call with the Calling API, as SignalWire documents it: `POST {space}/api/calling/calls` with
 * `{"command":"dial","params":{from, to, url, status_url}}`, Basic auth with the project id and API token. The call
 * runs our SWML script and its state changes come back to our `/call-status` route.
 */
export async function dialCall(config: SignalWireApiConfig, request: DialRequest): Promise<DialedCall> {
  for (const [name, value] of [
    ['--from', request.from],
    ['--to', request.to],
  ] as const) {
    if (!E164.test(value)) throw new ConfigError(`${name} must be an E.164 number like +15551234567`);
  }
  const base = requireHttpsUrl(request.baseUrl, 'the stack URL').replace(/\/+$/, '');
  const params = { from: request.from, to: request.to, url: `${base}/swml`, status_url: `${base}/call-status` };
  const endpoint = `${normalizeSpaceUrl(config.spaceUrl)}/api/calling/calls`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redact = (text: string) => text.replaceAll(config.apiToken, '[redacted]');
  let status: number;
  let text: string;
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${config.projectId}:${config.apiToken}`).toString('base64')}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ command: 'dial', params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw new DependencyError(
      `signalwire: dial ${isTimeout(error) ? `timed out after ${timeoutMs} ms` : 'network error'}`,
      { cause: error },
    );
  }
  if (status < 200 || status >= 300) throw failureFor('dial', status, text, redact);
  const id = parseJsonObject(text)?.id;
  if (typeof id !== 'string' || id === '')
    throw new DependencyError(`signalwire: dial answered HTTP ${status} without a call id`);
  return { call_id: id, ...params };
}
