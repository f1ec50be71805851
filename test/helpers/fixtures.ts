import { EXAMPLE_SIGNING_KEY, readSample, sampleNames, type Sample } from '../../cli/samples';

/** A signed sample delivery from samples/ (see samples/README.md), signed with FIXTURE_SIGNING_KEY. */
export type Fixture = Sample;

/** The documented example key every sample is signed with. */
export const FIXTURE_SIGNING_KEY = EXAMPLE_SIGNING_KEY;

export function loadFixture(name: string): Fixture {
  return readSample(name);
}

export function allFixtures(): Fixture[] {
  return sampleNames().map(loadFixture);
}

/** The parsed payload of a fixture, as the ingest would queue it (a GET's payload is its query). */
export function fixturePayload(fixture: Fixture): Record<string, unknown> {
  if (fixture.method === 'GET') return Object.fromEntries(new URL(fixture.url).searchParams);
  if (fixture.contentType === 'application/x-www-form-urlencoded')
    return Object.fromEntries(new URLSearchParams(fixture.body));
  return JSON.parse(fixture.body) as Record<string, unknown>;
}

/** A fixture by file name (`incoming-sms-flat.json`): its URL and parsed payload. */
export function loadDelivery(file: string): { url: string; payload: Record<string, unknown> } {
  const fixture = loadFixture(file.replace(/\.json$/, ''));
  return { url: fixture.url, payload: fixturePayload(fixture) };
}

/** Every fixture whose URL path is `path` (e.g. `/incoming-sms`), with its parsed payload. */
export function deliveriesTo(
  matches: (path: string) => boolean,
): { name: string; url: string; payload: Record<string, unknown> }[] {
  return allFixtures()
    .filter((fixture) => matches(new URL(fixture.url).pathname))
    .map((fixture) => ({ name: fixture.name, url: fixture.url, payload: fixturePayload(fixture) }));
}

/** Posts a fixture to the same path on another base URL (the local stack), unsigned. */
export async function postFixture(baseUrl: string, fixture: Fixture): Promise<Response> {
  const { pathname, search } = new URL(fixture.url);
  return fetch(`${baseUrl}${pathname}${search}`, {
    method: fixture.method,
    headers: fixture.contentType ? { 'content-type': fixture.contentType } : {},
    ...(fixture.method === 'POST' && { body: fixture.body }),
  });
}
