import { readdirSync, readFileSync } from 'node:fs';

/** A signed sample delivery from ../shared/fixtures (see its README). */
export interface Fixture {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  contentType: string | null;
  body: string;
  headers: Record<string, string>;
}

const FIXTURES_DIR = new URL('../../../shared/fixtures/', import.meta.url);

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES_DIR), 'utf8')) as Fixture;
}

export function allFixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => loadFixture(file.slice(0, -5)));
}

/** The parsed payload of a fixture, as the ingest would queue it (a GET's payload is its query). */
export function fixturePayload(fixture: Fixture): Record<string, unknown> {
  if (fixture.method === 'GET') return Object.fromEntries(new URL(fixture.url).searchParams);
  if (fixture.contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(fixture.body));
  return JSON.parse(fixture.body) as Record<string, unknown>;
}

/** A fixture by file name (`incoming-sms-flat.json`): its URL and parsed payload. */
export function loadDelivery(file: string): { url: string; payload: Record<string, unknown> } {
  const fixture = loadFixture(file.replace(/\.json$/, ''));
  return { url: fixture.url, payload: fixturePayload(fixture) };
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
