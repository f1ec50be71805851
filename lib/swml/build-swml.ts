import type { SwmlCallContext } from './call-context';
import { normalizePhoneNumber, parseRoutingRules, type MenuOption, type RoutingRules } from './routing-rules';
import { SAFE_DEFAULT_SWML, answer, hangup, say, type SwmlDocument, type SwmlMethod } from './swml-document';

const MENU_SECTION = 'menu';

/**
 * The SWML answer to a call. VIP callers: answer, greet, connect. Everyone else: answer, greet, transfer to the
 * `menu` section, which prompts for one digit and switches on `prompt_value`. Pure and total for valid rules.
 */
export function buildSwml(context: SwmlCallContext, rules: RoutingRules): SwmlDocument {
  if (isVipCall(context, rules) && rules.vipConnectTo !== undefined) {
    return {
      version: '1.0.0',
      sections: { main: [answer(), ...say(rules.vipGreeting), connect(rules.vipConnectTo), hangup()] },
    };
  }
  return {
    version: '1.0.0',
    sections: {
      main: [answer(), ...say(rules.greeting), { transfer: { dest: MENU_SECTION } }],
      [MENU_SECTION]: buildMenu(rules),
    },
  };
}

/**
 * For a handler that holds the raw rules: broken rules give SAFE_DEFAULT_SWML instead of an error, since a
 * SWML fetch must always be answered. Validate the rules at cold start as well, so the breakage is seen.
 */
export function buildSwmlOrSafeDefault(context: SwmlCallContext, rawRules: unknown): SwmlDocument {
  try {
    return buildSwml(context, parseRoutingRules(rawRules));
  } catch {
    return SAFE_DEFAULT_SWML;
  }
}

export function isVipCall(context: SwmlCallContext, rules: RoutingRules): boolean {
  if (context.from === undefined) return false;
  const caller = normalizePhoneNumber(context.from);
  return rules.vipNumbers.some((vip) => normalizePhoneNumber(vip) === caller);
}

function buildMenu(rules: RoutingRules): SwmlMethod[] {
  const cases: Record<string, SwmlMethod[]> = {};
  for (const [digit, option] of Object.entries(rules.menu.options)) cases[digit] = optionSteps(option, rules);
  const fallback =
    rules.defaultConnectTo === undefined
      ? [...say(rules.goodbye), hangup()]
      : [connect(rules.defaultConnectTo), hangup()];
  return [
    { prompt: { play: sayUrl(rules.menu.prompt), max_digits: 1, terminators: '#' } },
    { switch: { variable: 'prompt_value', case: cases, default: [...say(rules.menu.invalidChoice), ...fallback] } },
  ];
}

function optionSteps(option: MenuOption, rules: RoutingRules): SwmlMethod[] {
  const spoken = option.say === undefined ? [] : say(option.say);
  if (option.connectTo !== undefined) return [...spoken, connect(option.connectTo), hangup()];
  return [...spoken, ...say(rules.goodbye), hangup()];
}

function connect(to: string): SwmlMethod {
  return { connect: { to } };
}

// The prompt must play something; 'silence:1' stands in should the text have nothing speakable.
function sayUrl(text: string): string {
  const [play] = say(text);
  return play !== undefined && 'play' in play ? play.play.url : 'silence:1';
}
