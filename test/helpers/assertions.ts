import assert from 'node:assert/strict';
import { PermanentError } from '../../lib/errors';

/** Asserts `action` refuses its input as never applicable (a PermanentError) with a reason matching `reason`. */
export function assertPermanent(action: () => unknown, reason: RegExp): void {
  assert.throws(action, (error: unknown) => error instanceof PermanentError && reason.test(error.message));
}
