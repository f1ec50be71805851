import { createSecretMatcher } from './constant-time';

/** The query parameter carrying the shared secret: `https://hooks.example.com/call-status?secret=...`. */
export const QUERY_SECRET_PARAM = 'secret';

/** A matcher for the `?secret=` value against the configured secrets (several during a rotation), in constant time. */
export function createQuerySecretMatcher(
  acceptedSecrets: readonly string[],
): (presented: string | undefined) => boolean {
  const matchesSecret = createSecretMatcher(acceptedSecrets);
  return (presented) => presented !== undefined && presented !== '' && matchesSecret(presented);
}
