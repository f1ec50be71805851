/** The error type of an AWS JSON protocol answer (its `__type`, the namespace before `#` dropped), or `unknown error`. */
export function awsJsonErrorType(text: string): string {
  return /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] ?? 'unknown error';
}

// The SDK's throttling and transient error types (@smithy/core retry): DynamoDB's capacity refusals among them.
const RETRYABLE_TYPES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** The SDK's rule for a refused request: 5xx, 429, throttling and transient types are worth another try; any other refusal is final. */
export function isRetryableAnswer(status: number, errorType: string): boolean {
  return status >= 500 || status === 429 || RETRYABLE_TYPES.has(errorType) || /throttl/i.test(errorType);
}
