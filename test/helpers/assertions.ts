import assert from 'node:assert/strict';
import { PermanentError } from '../../lib/errors';

/** Asserts `action` refuses its input as never applicable (a PermanentError) with a reason matching `reason`. */
export function assertPermanent(action: () => unknown, reason: RegExp): void {
  assert.throws(action, (error: unknown) => error instanceof PermanentError && reason.test(error.message));
}

/** Resolves to the SDK error the call was refused with; fails when the call was accepted. */
export async function refusal(
  call: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  assert.fail('the call was accepted');
}
