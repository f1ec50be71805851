import { ConfigError } from '../errors';
import { isRecord } from '../signalwire/payload-fields';
import { MAX_SAY_LENGTH, deepFreeze, sanitizeSayText } from './swml-document';

/** What one key of the phone menu does: say something, connect somewhere, or both (say first). */
export interface MenuOption {
  say?: string;
  connectTo?: string;
}

/**
 * How inbound calls are routed. VIP callers (caller id in `vipNumbers`) skip the menu and are connected to
 * `vipConnectTo`; everyone else hears `greeting`, then the menu. A key not in `menu.options` (or no key at all)
 * hears `menu.invalidChoice` and is connected to `defaultConnectTo` when set, else hears `goodbye` and is hung up.
 * The menu is not replayed: a caller who keeps missing must not loop forever.
 */
export interface RoutingRules {
  greeting: string;
  vipNumbers: string[];
  vipGreeting: string;
  vipConnectTo?: string;
  menu: { prompt: string; options: Record<string, MenuOption>; invalidChoice: string };
  defaultConnectTo?: string;
  goodbye: string;
}

export const DEFAULT_ROUTING_RULES: Readonly<RoutingRules> = deepFreeze<RoutingRules>({
  greeting: 'Thank you for calling.',
  vipNumbers: [],
  vipGreeting: 'Welcome back. Connecting you now.',
  menu: {
    prompt: 'For our opening hours, press 1. For our address, press 2.',
    options: {
      '1': { say: 'We are open Monday to Friday, from 9 AM to 5 PM.' },
      '2': { say: 'You will find our address on our website.' },
    },
    invalidChoice: 'Sorry, that is not a valid choice.',
  },
  goodbye: 'Thank you for calling. Goodbye.',
});

const E164 = /^\+[1-9]\d{6,14}$/;
const SIP_URI = /^sips?:[^\s@]+@[^\s@]{1,200}$/i;
const MENU_KEY = /^[0-9*]$/; // '#' terminates the prompt, so it cannot be an option
const TOP_LEVEL_KEYS = ['greeting', 'vipNumbers', 'vipGreeting', 'vipConnectTo', 'menu', 'defaultConnectTo', 'goodbye'];

/**
 * Validates routing rules given as JSON text or an object; absent or blank means the defaults. Fields left out
 * keep their default (the menu merges field by field, its options are replaced as a whole). Unknown fields are
 * refused so a typo ('vipNumber') cannot silently disable VIP routing. Throws ConfigError with the reason.
 */
export function parseRoutingRules(source: unknown): RoutingRules {
  if (source === undefined || source === null || (typeof source === 'string' && source.trim() === '')) {
    return structuredClone(DEFAULT_ROUTING_RULES) as RoutingRules;
  }
  const input = typeof source === 'string' ? parseJson(source) : source;
  if (!isRecord(input)) throw invalid('must be a JSON object');
  refuseUnknownKeys(input, TOP_LEVEL_KEYS, '');
  const menuInput = input.menu ?? {};
  if (!isRecord(menuInput)) throw invalid('menu must be an object');
  refuseUnknownKeys(menuInput, ['prompt', 'options', 'invalidChoice'], 'menu.');
  const defaults = DEFAULT_ROUTING_RULES;
  const rules: RoutingRules = {
    greeting: readText(input.greeting ?? defaults.greeting, 'greeting'),
    vipNumbers: readVipNumbers(input.vipNumbers ?? defaults.vipNumbers),
    vipGreeting: readText(input.vipGreeting ?? defaults.vipGreeting, 'vipGreeting'),
    menu: {
      prompt: readText(menuInput.prompt ?? defaults.menu.prompt, 'menu.prompt'),
      options: readOptions(menuInput.options ?? defaults.menu.options),
      invalidChoice: readText(menuInput.invalidChoice ?? defaults.menu.invalidChoice, 'menu.invalidChoice'),
    },
    goodbye: readText(input.goodbye ?? defaults.goodbye, 'goodbye'),
  };
  if (input.vipConnectTo != null) rules.vipConnectTo = readDestination(input.vipConnectTo, 'vipConnectTo');
  if (input.defaultConnectTo != null)
    rules.defaultConnectTo = readDestination(input.defaultConnectTo, 'defaultConnectTo');
  if (rules.vipNumbers.length > 0 && rules.vipConnectTo === undefined)
    throw invalid('vipConnectTo is required when vipNumbers is set');
  return rules;
}

/** Caller ids compare without the spaces, dashes, dots and brackets people type into configuration. */
export function normalizePhoneNumber(number: string): string {
  return number.replace(/[\s\-().]/g, '');
}

function readText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (Array.from(value).length > MAX_SAY_LENGTH) throw invalid(`${name} is longer than ${MAX_SAY_LENGTH} characters`);
  if (sanitizeSayText(value) === '') throw invalid(`${name} has nothing to say`);
  return value;
}

function readDestination(value: unknown, name: string): string {
  const destination = typeof value === 'string' ? normalizeDestination(value) : undefined;
  if (destination === undefined) throw invalid(`${name} must be an E.164 number (+15551234567) or a sip: address`);
  return destination;
}

function normalizeDestination(value: string): string | undefined {
  const number = normalizePhoneNumber(value);
  if (E164.test(number)) return number;
  return SIP_URI.test(value.trim()) ? value.trim() : undefined;
}

function readVipNumbers(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('vipNumbers must be an array');
  if (value.length > 1000) throw invalid('vipNumbers has more than 1000 entries');
  return value.map((number, index) => {
    const normalized = typeof number === 'string' ? normalizePhoneNumber(number) : '';
    if (!E164.test(normalized)) throw invalid(`vipNumbers[${index}] must be an E.164 number`);
    return normalized;
  });
}

function readOptions(value: unknown): Record<string, MenuOption> {
  if (!isRecord(value)) throw invalid('menu.options must be an object');
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalid('menu.options must have at least one key');
  const options: Record<string, MenuOption> = {};
  for (const [key, option] of entries) {
    if (!MENU_KEY.test(key))
      throw invalid(`menu.options key ${JSON.stringify(key.slice(0, 8))} must be one of 0-9 or *`);
    if (!isRecord(option)) throw invalid(`menu.options.${key} must be an object`);
    refuseUnknownKeys(option, ['say', 'connectTo'], `menu.options.${key}.`);
    if (option.say === undefined && option.connectTo === undefined)
      throw invalid(`menu.options.${key} needs say or connectTo`);
    const parsed: MenuOption = {};
    if (option.say !== undefined) parsed.say = readText(option.say, `menu.options.${key}.say`);
    if (option.connectTo !== undefined)
      parsed.connectTo = readDestination(option.connectTo, `menu.options.${key}.connectTo`);
    options[key] = parsed;
  }
  return options;
}

function refuseUnknownKeys(value: Record<string, unknown>, known: string[], prefix: string): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalid(`unknown field ${prefix}${unknown.slice(0, 40)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('is not valid JSON');
  }
}

function invalid(reason: string): ConfigError {
  return new ConfigError(`routing rules: ${reason}`);
}
