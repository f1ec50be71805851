/**
 * The subset of SWML (SignalWire Markup Language) this product writes, typed after the method reference:
 * https://developer.signalwire.com/swml/methods/ (answer, play, prompt, switch, connect, transfer, hangup).
 */
export type SwmlMethod =
  | { answer: Record<string, never> }
  | { play: { url: string } }
  | { prompt: { play: string; max_digits: number; terminators: string } }
  | { switch: { variable: string; case: Record<string, SwmlMethod[]>; default: SwmlMethod[] } }
  | { connect: { to: string } }
  | { transfer: { dest: string } }
  | { hangup: Record<string, never> };

export interface SwmlDocument {
  version: '1.0.0';
  sections: { main: SwmlMethod[]; [section: string]: SwmlMethod[] };
}

export const MAX_SAY_LENGTH = 500;

/**
 * Text made safe for a `say:` URL: control characters and line breaks become spaces, runs of whitespace collapse,
 * braces go (SWML would expand `${...}` and `%{...}` as variables), and the length is bounded on a code point
 * boundary so an emoji is never cut in half. May return '' for text with nothing speakable.
 */
export function sanitizeSayText(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[{}]/g, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return Array.from(cleaned).slice(0, MAX_SAY_LENGTH).join('').trim();
}

/** A `play` of spoken text, or nothing when the text has nothing speakable. */
export function say(text: string): SwmlMethod[] {
  const speakable = sanitizeSayText(text);
  return speakable === '' ? [] : [{ play: { url: `say:${speakable}` } }];
}

// Fresh objects each time: a YAML writer would turn one object used twice into an anchor and alias.
export function answer(): SwmlMethod {
  return { answer: {} };
}

export function hangup(): SwmlMethod {
  return { hangup: {} };
}

/** What a caller hears when the routing rules cannot be used: an apology, then a clean hang-up. */
export const SAFE_DEFAULT_SWML: SwmlDocument = deepFreeze({
  version: '1.0.0',
  sections: {
    main: [
      { answer: {} },
      { play: { url: 'say:Sorry, we cannot take your call right now. Please try again later. Goodbye.' } },
      { hangup: {} },
    ],
  },
});

/** Freezes a constant all the way down, so a shared default cannot be changed by one caller for all. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
