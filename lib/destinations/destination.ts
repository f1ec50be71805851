import { isIP } from 'node:net';
import { ConfigError } from '../errors';
import { EVENT_TYPES, isEventType, type EventType } from '../events/domain-event';
import { classify, hostOf } from '../security/outbound-url';

/**
 * One of the operator's own HTTPS endpoints (serverless.yml's `destinations` param): every event of its `types` (all
 * of them when absent) is POSTed to `url`, signed per Standard Webhooks with the secret in SSM at
 * `/<service>/<stage>/destinations/<name>`.
 */
export interface Destination {
  /** Unique; names the secret's parameter, the delivery jobs, the metrics' Destination dimension and the logs. */
  name: string;
  url: string;
  /** Absent: every type, including the ones added later. */
  types?: readonly EventType[];
}

export interface ParseDestinationsOptions {
  /** DESTINATIONS_ALLOW_LOOPBACK: http://127.0.0.1 and http://localhost (the local stack and tests; never deployed). */
  allowLoopback?: boolean;
}

/** A name fit for an SSM parameter path segment and a metric dimension value. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const KEYS = new Set(['name', 'url', 'types']);

/**
 * The `destinations` param (JSON: a list of `{ name, url, types? }`); blank means none. Checked at cold start, so a
 * typo is a ConfigError naming the entry (`destinations[1] "crm": ...`) rather than events quietly going nowhere:
 * unknown keys are refused, names are unique, urls are https (plain http to loopback only when allowed) without
 * credentials and, when the host is an address, a public one (a name is checked when delivering, once resolved),
 * types are known event types.
 */
export function parseDestinations(json: string | undefined, options: ParseDestinationsOptions = {}): Destination[] {
  if (json === undefined || json.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw new ConfigError('destinations: not JSON (a list of {"name", "url", "types"})');
  }
  if (!Array.isArray(list)) throw new ConfigError('destinations: must be a JSON list of {"name", "url", "types"}');
  const names = new Set<string>();
  return list.map((entry: unknown, index) => {
    const destination = parseEntry(entry, index, options);
    if (names.has(destination.name))
      throw new ConfigError(`destinations[${index}] "${destination.name}": name used twice; names must be unique`);
    names.add(destination.name);
    return destination;
  });
}

function parseEntry(entry: unknown, index: number, options: ParseDestinationsOptions): Destination {
  const at = `destinations[${index}]`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
    throw new ConfigError(`${at}: must be an object {"name", "url", "types"}`);
  const fields = entry as Record<string, unknown>;
  const { name, url, types } = fields;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new ConfigError(`${at}: name must be 1 to 64 letters, digits, _ or - (it names an SSM parameter)`);
  const label = `${at} "${name}"`;
  const unknown = Object.keys(fields).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) throw new ConfigError(`${label}: unknown key ${unknown.join(', ')} (name, url, types)`);
  if (typeof url !== 'string') throw new ConfigError(`${label}: url must be a string`);
  checkUrl(url, label, options.allowLoopback ?? false);
  if (types === undefined) return { name, url };
  if (!Array.isArray(types) || types.length === 0)
    throw new ConfigError(`${label}: types must be a non-empty list of event types (leave it out for every type)`);
  const unknownTypes = types.filter((type) => !isEventType(type));
  if (unknownTypes.length > 0)
    throw new ConfigError(
      `${label}: unknown event type ${unknownTypes.map((t) => JSON.stringify(t)).join(', ')} (known: ${EVENT_TYPES.join(', ')})`,
    );
  return { name, url, types: [...new Set(types as EventType[])] };
}

/** What can be told without DNS: the scheme, no credentials, and an address host's kind. The URL itself is never quoted: its query may be a secret. */
function checkUrl(text: string, label: string, allowLoopback: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${label}: url is not an absolute URL`);
  }
  if (url.username !== '' || url.password !== '')
    throw new ConfigError(`${label}: url carries credentials (the deliveries are signed instead)`);
  const host = hostOf(url);
  const loopback = isLoopbackName(host) || (isIP(host) !== 0 && classify(host) === 'loopback');
  if (url.protocol === 'http:' && allowLoopback && loopback) return;
  if (url.protocol !== 'https:') throw new ConfigError(`${label}: url must be https, got ${url.protocol}//`);
  if (allowLoopback && loopback) return;
  if (isIP(host) !== 0 && classify(host) !== 'public')
    throw new ConfigError(`${label}: url host ${host} is ${classify(host)}: only public addresses are delivered to`);
}

const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** The destinations that want events of `type`: the worker queues one delivery job for each. */
export function destinationsFor(type: EventType, destinations: readonly Destination[]): Destination[] {
  return destinations.filter((destination) => destination.types === undefined || destination.types.includes(type));
}
