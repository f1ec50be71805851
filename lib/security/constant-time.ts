import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in constant time for a given length. Unequal lengths answer false at once: this is for values
 * whose length is public anyway (hex or base64 digests).
 */
export function timingSafeEqualStrings(actual: string, expected: string): boolean {
  const actualBytes = Buffer.from(actual, 'utf8');
  const expectedBytes = Buffer.from(expected, 'utf8');
  return actualBytes.length === expectedBytes.length && timingSafeEqual(actualBytes, expectedBytes);
}

/**
 * A matcher for shared secrets (passwords, query secrets). Both sides are hashed first, so neither the content nor
 * the length of a configured secret leaks through timing; the configured digests are computed once.
 */
export function createSecretMatcher(acceptedSecrets: readonly string[]): (presented: string | undefined) => boolean {
  const acceptedDigests = acceptedSecrets.map(sha256);
  return (presented) => {
    if (presented === undefined) return false;
    const presentedDigest = sha256(presented);
    let matched = false;
    // Every configured secret is compared, so the time taken does not depend on which one matched.
    for (const acceptedDigest of acceptedDigests) {
      matched = timingSafeEqual(presentedDigest, acceptedDigest) || matched;
    }
    return matched;
  };
}

function sha256(value: string): Buffer {
  // One-shot `hash` costs about half of createHash().update().digest(), and this runs on every request.
  return hash('sha256', value, 'buffer');
}
