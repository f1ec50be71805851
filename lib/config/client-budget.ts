/** How long a function may wait on one AWS service, and how often it tries: each function's own, inside SignalWire's 10 s. */
export interface ClientBudget {
  /** Tries in all, with the SDK's standard retry rules (backoff, retry quota); 1 means never retried. */
  maxAttempts: number;
  /** To open a connection. */
  connectionTimeoutMs: number;
  /** For one attempt, from the request's start to the end of its answer. */
  requestTimeoutMs: number;
}
