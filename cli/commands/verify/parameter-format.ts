import { ConfigError } from '../../../lib/errors';
import { parseAuthPolicy } from '../../../lib/security/auth-policy';
import { SECRET_SETTINGS } from '../../../lib/security/auth-settings';

export type FormatVerdict = { ok: true; shape: string } | { ok: false; problem: string };

/** What one entry of a webhook secret is called, singular and plural. */
const ENTRY_WORDS: Record<string, [string, string]> = {
  SIGNALWIRE_SIGNING_KEY: ['key', 'keys'],
  WEBHOOK_BASIC_AUTH: ['user:password pair', 'user:password pairs'],
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * Whether a parameter's value parses as the functions parse that setting: the webhook secrets as lib/security
 * reads them (one value, or a JSON list `["old","new"]` during a rotation; Basic credentials as user:password), any
 * other secret as a non-blank value. The verdict describes the value's shape only, never its content.
 */
export function checkFormat(setting: string, value: string): FormatVerdict {
  if (!(SECRET_SETTINGS as readonly string[]).includes(setting)) {
    return value.trim() === '' ? { ok: false, problem: 'it is blank' } : { ok: true, shape: 'a value' };
  }
  let count: number;
  try {
    const policy = parseAuthPolicy({ [setting]: value });
    count = policy.signingKeys.length + policy.basicAuth.length + policy.querySecrets.length;
  } catch (error) {
    // ConfigError messages name the setting and an entry's position, never a value (lib/security/auth-policy.ts).
    if (error instanceof ConfigError) return { ok: false, problem: error.message };
    throw error;
  }
  if (count === 0) return { ok: false, problem: 'it is blank' };
  const [one, many] = ENTRY_WORDS[setting] ?? ['secret', 'secrets'];
  return { ok: true, shape: plural(count, one, many) + (count > 1 ? ' (a rotation: verify uses the first)' : '') };
}
