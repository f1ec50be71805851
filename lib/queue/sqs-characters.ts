/**
 * SQS refuses a message whose body or attribute values hold a character outside #x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF (InvalidMessageContents). The local emulator accepts them, so this is easy to miss:
 * one U+FFFF in an SMS would turn a delivery into a 503 on every retry, and a dead letter into one without its reason.
 */
const NOT_ALLOWED_IN_SQS = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * JSON text made safe for SQS without changing what it parses to. JSON.stringify already escapes control characters
 * and lone surrogates; U+FFFE and U+FFFF are the only characters it leaves raw that SQS refuses, and in JSON they can
 * only occur inside strings, where `\uXXXX` means the same character.
 */
export function sqsSafeJson(json: string): string {
  return json.replace(/[\ufffe\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16)}`);
}

/** Plain text (message attribute values) with every character SQS refuses replaced by U+FFFD. */
export function sqsSafeText(text: string): string {
  return text.replace(NOT_ALLOWED_IN_SQS, '\ufffd');
}

export function isValidSqsText(text: string): boolean {
  return !new RegExp(NOT_ALLOWED_IN_SQS.source, 'u').test(text);
}
