import { checkOutboundUrl, type ResolveHost } from '../security/outbound-url';

export { classify, type ResolveHost } from '../security/outbound-url';

/**
 * The recording URL a copy may fetch, or a PermanentError saying why not (SSRF, lib/security/outbound-url.ts): https
 * only, and every address its host resolves to must be public. `allowLoopback` (local stack and tests only) lets
 * http://127.0.0.1 and ::1 through.
 */
export async function checkRecordingUrl(text: string, resolve: ResolveHost, allowLoopback = false): Promise<URL> {
  return (await checkOutboundUrl(text, resolve, { what: 'recording url', allowLoopback })).url;
}
