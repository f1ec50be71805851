import { ConfigError } from '../errors';

/**
 * Keyword commands answered automatically (HELP, STATUS, INFO by default).
 *
 * Matching rule: the FIRST WORD of the message decides. The body is Unicode-normalised (NFKC), surrounding
 * whitespace is ignored, and punctuation around that word is dropped, case-insensitively. So 'help',
 * ' Help ', 'HELP!', '¿info?' and 'status please' match; 'H E L P' (first word 'H') and 'please help' do not.
 * Why the first word and not the whole body: people write 'status please' or 'help me', and the answers here are
 * harmless information, so answering them beats staying silent. Opt-out words (STOP) are different, carriers
 * and SignalWire apply them to the whole message; configure them here only as an informational answer.
 */

const AUTO_REPLY_ENV_VAR = 'AUTO_REPLY_KEYWORDS';

export interface AutoReplyConfig {
  /** Upper-cased keyword -> reply text, in the order HELP lists them. */
  readonly replies: ReadonlyMap<string, string>;
}

export interface AutoReply {
  keyword: string;
  text: string;
}

const MAX_REPLY_LENGTH = 1600; // ten concatenated SMS segments
const KEYWORD_PATTERN = /^[\p{L}\p{N}]{1,32}$/u;

export const DEFAULT_AUTO_REPLY_TEXTS: Readonly<Record<string, string>> = Object.freeze({
  STATUS: 'Our service is running normally and your messages are reaching us. Reply HELP for the list of commands.',
  INFO: 'This is an automated line. Messages here are read by our team during business hours. Reply HELP for commands.',
});

/**
 * Reads the keyword table from a JSON string such as '{"HELP":"...","STOP":"You are unsubscribed."}', or from an
 * environment (process.env-like) holding that string under AUTO_REPLY_KEYWORDS; absent or blank means defaults.
 * Only that one variable is read from an environment: treating the whole object as a table would turn every
 * variable (PATH, secrets) into a keyword whose reply is its value. Throws ConfigError naming the problem.
 */
export function parseAutoReplyConfig(
  source?: string | Readonly<Record<string, string | undefined>> | null,
): AutoReplyConfig {
  const json =
    typeof source === 'string' || source === undefined || source === null ? source : source[AUTO_REPLY_ENV_VAR];
  if (json !== undefined && json !== null && typeof json !== 'string') throw configError('must be a JSON string');
  return autoReplyConfigFromTable(json === undefined || json === null || json.trim() === '' ? {} : parseJson(json));
}

/**
 * Builds the config from a parsed keyword table: entries are merged over the defaults, a `null` text disables a
 * keyword, and unless HELP is configured its text lists the enabled keywords.
 */
export function autoReplyConfigFromTable(table: Readonly<Record<string, unknown>>): AutoReplyConfig {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw configError('must be a JSON object');
  const replies = new Map<string, string>([['HELP', ''], ...Object.entries(DEFAULT_AUTO_REPLY_TEXTS)]);
  const seen = new Set<string>();
  for (const [rawKeyword, text] of Object.entries(table)) {
    const keyword = normalizeWord(rawKeyword);
    if (!KEYWORD_PATTERN.test(keyword))
      throw configError(`keyword ${JSON.stringify(rawKeyword.slice(0, 40))} is not one word`);
    if (seen.has(keyword)) throw configError(`keyword ${keyword} is given twice`);
    seen.add(keyword);
    if (text === null) replies.delete(keyword);
    else replies.set(keyword, readReplyText(keyword, text));
  }
  if (replies.get('HELP') === '') {
    replies.set('HELP', `Reply with one of: ${[...replies.keys()].join(', ')}. Message and data rates may apply.`);
  }
  return { replies };
}

export function replyFor(body: unknown, config: AutoReplyConfig): AutoReply | null {
  if (typeof body !== 'string') return null;
  const firstWord = /^\s*(\S{1,64})(?:\s|$)/u.exec(body.normalize('NFKC'))?.[1];
  if (firstWord === undefined) return null;
  const keyword = normalizeWord(firstWord.replace(/^\p{P}+|\p{P}+$/gu, ''));
  const text = config.replies.get(keyword);
  return text === undefined ? null : { keyword, text };
}

function normalizeWord(word: string): string {
  return word.normalize('NFKC').trim().toUpperCase();
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw configError('is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError('must be a JSON object');
  return value as Record<string, unknown>;
}

function readReplyText(keyword: string, text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '')
    throw configError(`reply for ${keyword} must be a non-empty string or null`);
  if (text.length > MAX_REPLY_LENGTH)
    throw configError(`reply for ${keyword} is longer than ${MAX_REPLY_LENGTH} characters`);
  return text.trim();
}

function configError(reason: string): ConfigError {
  return new ConfigError(`${AUTO_REPLY_ENV_VAR} ${reason}`);
}
