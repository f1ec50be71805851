import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeCallStatus } from '../../lib/calls/normalize-call-status';
import { parseEnvelope } from '../../lib/envelope/envelope';
import { PermanentError } from '../../lib/errors';
import { normalizeIncomingMessage } from '../../lib/messages/normalize-incoming-message';
import { normalizeMessageStatus } from '../../lib/messages/normalize-message-status';
import { swmlFetchFrom } from '../../lib/swml/record-swml-fetch';
import { swmlCallContextFrom } from '../../lib/swml/call-context';
import { normalizeVideoEvent } from '../../lib/video/normalize-video-event';
import { allFixtures, fixturePayload } from '../helpers/fixtures';

/**
 * Values JSON.parse gives that break naive code: `String(v)` and `${v}` throw a TypeError on an object whose
 * `toString`/`valueOf` are not functions, and `__proto__` arrives as an own key. A worker that throws a TypeError
 * treats the event as a passing failure and retries it to the DLQ with a confusing reason, instead of refusing it
 * at once as invalid.
 */
const POISONS: Array<[string, () => unknown]> = [
  ['an object with toString and valueOf that are not functions', () => JSON.parse('{"toString":1,"valueOf":1}')],
  ['an object with an own __proto__ key', () => JSON.parse('{"__proto__":{"toString":1},"toString":"x"}')],
  ['an array holding such an object', () => JSON.parse('[{"toString":1,"valueOf":1}]')],
];

type Reader = (payload: Record<string, unknown>) => unknown;

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';
const READERS: Record<string, Reader> = {
  '/call-status': (p) => normalizeCallStatus(p, RECEIVED_AT),
  '/incoming-sms': (p) => normalizeIncomingMessage(p, RECEIVED_AT),
  '/message-status': (p) => normalizeMessageStatus(p, RECEIVED_AT),
  '/video/events': (p) => normalizeVideoEvent(p, RECEIVED_AT),
  '/swml': (p) => {
    swmlCallContextFrom(p);
    return swmlFetchFrom(p, { eventId: 'e-1', route: 'GET /swml', receivedAt: RECEIVED_AT });
  },
};

function readerFor(path: string): Reader {
  if (READERS[path]) return READERS[path];
  const event = /^\/video\/(.+)$/.exec(path)?.[1];
  assert.ok(event, `no reader for ${path}`);
  return (p) => normalizeVideoEvent(p, RECEIVED_AT, event);
}

/** Every path to a value in `value` (keys of nested objects and indexes of arrays), the root excluded. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Object.keys(value).flatMap((key) =>
    leafPaths((value as Record<string, unknown>)[key], [...prefix, key]),
  );
  return prefix.length === 0 ? children : [prefix, ...children];
}

function withValueAt(payload: Record<string, unknown>, path: string[], poison: unknown): Record<string, unknown> {
  const copy = structuredClone(payload);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  Object.defineProperty(node, path.at(-1)!, { value: poison, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Reads `payload`; whatever it refuses, it must refuse as invalid (a PermanentError), never with a TypeError. */
function assertReadOrRefused(read: Reader, payload: Record<string, unknown>, where: string): void {
  try {
    read(payload);
  } catch (error) {
    assert.ok(error instanceof PermanentError, `${where}: threw ${(error as Error).name}: ${(error as Error).message}`);
  }
}

describe('poisoned fields: every field of every sample, replaced by a value that breaks String()', () => {
  for (const [poisonName, poison] of POISONS) {
    it(`reads or refuses as invalid each sample with ${poisonName} at any field`, () => {
      let cases = 0;
      for (const fixture of allFixtures()) {
        const read = readerFor(new URL(fixture.url).pathname);
        const payload = fixturePayload(fixture);
        for (const path of leafPaths(payload)) {
          assertReadOrRefused(read, withValueAt(payload, path, poison()), `${fixture.name} at ${path.join('.')}`);
          cases += 1;
        }
      }
      assert.ok(cases > 150, `only ${cases} fields poisoned: the samples went missing`);
    });
  }

  it('refuses an envelope whose kind or fields are such values as invalid', () => {
    const envelope = {
      version: 1,
      event_id: 'e-1',
      kind: 'call.status',
      route: 'POST /call-status',
      received_at: RECEIVED_AT,
      payload: {},
    };
    for (const key of Object.keys(envelope)) {
      for (const [, poison] of POISONS) {
        const body = JSON.stringify({ ...envelope, [key]: poison() });
        assertReadOrRefused(() => parseEnvelope(body), {}, `envelope ${key}`);
      }
    }
  });
});
