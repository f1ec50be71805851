import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/project-root';
import { signDelivery } from '../lib/security/sign-delivery';

/** The example key every file in samples/ is signed with (samples/README.md). Not a secret: never configure it. */
export const EXAMPLE_SIGNING_KEY = 'PSK_example_signing_key_0123456789';
export const SAMPLES_DIR = join(PROJECT_ROOT, 'samples');

/** One signed sample delivery: the exact URL SignalWire called, its content type, raw body and signature headers. */
export interface Sample {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  contentType: string | null;
  body: string;
  headers: Record<string, string>;
}

/** What `webhooks send ROUTE` posts when given nothing else; other routes take the first sample for their path. */
const DEFAULT_SAMPLES: Record<string, string> = {
  '/call-status': 'call-status-flat-answered',
  '/incoming-sms': 'incoming-sms-flat',
  '/message-status': 'message-status-flat-delivered',
  '/video/events': 'video-member-joined',
  '/swml': 'swml-fetch-post',
};

export function sampleNames(dir = SAMPLES_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** A sample by name (`incoming-sms-cxml`), or any file of the same format by path. */
export function readSample(nameOrPath: string, dir = SAMPLES_DIR): Sample {
  const file =
    existsSync(nameOrPath) && nameOrPath.endsWith('.json')
      ? nameOrPath
      : join(dir, `${nameOrPath.replace(/\.json$/, '')}.json`);
  if (!existsSync(file)) throw new Error(`no sample ${nameOrPath}; samples: ${sampleNames(dir).join(', ')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Sample;
}

/** The sample `webhooks send ROUTE` posts by default. */
export function defaultSample(route: string): Sample {
  const path = new URL(route, 'http://x').pathname;
  const named = DEFAULT_SAMPLES[path];
  if (named) return readSample(named);
  const match = sampleNames()
    .map((name) => readSample(name))
    .find((sample) => new URL(sample.url).pathname === path);
  if (!match) throw new Error(`no sample for ${path}; routes with samples: ${[...routesWithSamples()].join(', ')}`);
  return match;
}

function routesWithSamples(): Set<string> {
  return new Set(sampleNames().map((name) => new URL(readSample(name).url).pathname));
}

/**
 * The sample as delivered to another base URL (`https://hooks.example.com/prod`: its path and query follow) and signed
 * with another key, as SignalWire would sign it for that exact URL. Without a base URL it keeps its own.
 */
export function resignSample(sample: Sample, signingKey: string, baseUrl?: string): Sample {
  const { pathname, search } = new URL(sample.url);
  const url = baseUrl === undefined ? sample.url : new URL(baseUrl.replace(/\/+$/, '') + pathname + search).href;
  const signed = Object.entries(signDelivery({ url, contentType: sample.contentType, body: sample.body }, signingKey));
  // A sample that carries only some of the headers (an older SDK sends no SHA-256 one) keeps exactly those.
  const kept = signed.filter(([name]) => Object.keys(sample.headers).length === 0 || name in sample.headers);
  return { ...sample, url, headers: Object.fromEntries(kept) };
}
