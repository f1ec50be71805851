/** The error type of an AWS JSON protocol answer (its `__type`, the namespace before `#` dropped), or `unknown error`. */
export function awsJsonErrorType(text: string): string {
  return /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] ?? 'unknown error';
}

/** The SDK's rule for a refused request: 5xx, 429 and throttling are worth another try; any other refusal is final. */
export function isRetryableAnswer(status: number, errorType: string): boolean {
  return status >= 500 || status === 429 || /throttl/i.test(errorType);
}
