/**
 * One thing `webhooks verify` proved, or found wrong. `detail` says what was seen and `fix` (on a failure) what to
 * run or change; neither ever holds a secret value. A check that could not be run here says so in `detail` and
 * counts as holding (`ok`): it is not evidence that something is wrong.
 */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export const passed = (name: string, detail: string): Check => ({ name, ok: true, detail });

export const failed = (name: string, detail: string, fix?: string): Check => ({
  name,
  ok: false,
  detail,
  ...(fix !== undefined && { fix }),
});

/** The name and message of an SDK or network error (AWS error messages name actions and resources, never values). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error && cause.message !== error.message ? ` (${cause.message})` : '';
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${causeText}`;
}

/** AWS refused the operator's credentials or their permission (rather than the service being unreachable). */
export function isRefusal(detail: string): boolean {
  return /AccessDenied|not authorized|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch|security token/i.test(
    detail,
  );
}

/** What to do when AWS could not be reached at all, or refused the credentials themselves. */
export const reachFix = (region: string) =>
  `check your credentials (--profile P) and region (--region ${region}), and that this machine reaches AWS`;
