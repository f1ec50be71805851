import { randomBytes } from 'node:crypto';
import { parseDestinations } from '../lib/destinations/destination';

/**
 * The signing secrets of the local stack's destinations (DESTINATIONS from the shell): deployed, each lives in SSM at
 * `/<service>/<stage>/destinations/<name>`; locally the SSM stand-in serves them under the same names. One secret
 * signs every local destination: DESTINATIONS_SECRET (`whsec_<base64>`), or a fresh one printed at start, as
 * `webhooks listen` does, for your receiver to verify with.
 */
export function localDestinationSecrets(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
): { parameters: Record<string, string>; secret?: string; names: string[] } {
  const destinations = parseDestinations(env.DESTINATIONS, { allowLoopback: true });
  if (destinations.length === 0) return { parameters: {}, names: [] };
  const secret = env.DESTINATIONS_SECRET?.trim() || `whsec_${randomBytes(32).toString('base64')}`;
  return {
    parameters: Object.fromEntries(destinations.map((d) => [`${prefix}${d.name}`, secret])),
    secret,
    names: destinations.map((d) => d.name),
  };
}
