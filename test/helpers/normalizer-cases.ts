import assert from 'node:assert/strict';
import { it } from 'node:test';
import { allFixtures, fixturePayload, loadDelivery } from './fixtures';

/** One test per row: [test name, fixture file, what `normalize` must give for its payload received at `receivedAt`]. */
export function itNormalizesFixtures<T>(
  normalize: (payload: Record<string, unknown>, receivedAt: string) => T,
  receivedAt: string,
  rows: Array<[string, string, T]>,
): void {
  for (const [title, file, expected] of rows) {
    it(title, () => assert.deepEqual(normalize(loadDelivery(file).payload, receivedAt), expected));
  }
}

/** One test: every fixture posted to `path` normalizes, and there are at least `minimum` of them. */
export function itNormalizesEveryFixture<T>(
  title: string,
  path: string,
  minimum: number,
  normalize: (payload: Record<string, unknown>, receivedAt: string) => T,
  receivedAt: string,
  check: (result: T) => unknown,
): void {
  it(title, () => {
    const posted = allFixtures().filter((fixture) => new URL(fixture.url).pathname === path);
    assert.ok(posted.length >= minimum);
    for (const fixture of posted) assert.ok(check(normalize(fixturePayload(fixture), receivedAt)));
  });
}
