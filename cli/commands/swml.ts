import { readFile } from 'node:fs/promises';
import { createSwmlRulesStore } from '../../lib/store/swml-rules-store';
import { DEFAULT_ROUTING_RULES, parseRoutingRules, type RoutingRules } from '../../lib/swml/routing-rules';
import { CliError } from '../output';
import type { Target } from '../target';

/** What `webhooks swml show|set|reset --json` prints. */
export interface SwmlRulesView {
  source: 'built-in' | 'table';
  valid: boolean;
  updated_at?: string;
  version?: number;
  /** The rules in effect, defaults filled in. */
  rules?: Readonly<RoutingRules>;
  /** Why stored rules are invalid (the function then answers the safe default), and what is stored. */
  reason?: string;
  stored?: string;
}

/** The rules the swml function answers with (after its cache expires), and where they come from. */
export async function showSwmlRules(target: Target): Promise<SwmlRulesView> {
  const stored = await createSwmlRulesStore(target.table).get();
  if (stored === undefined) return { source: 'built-in', valid: true, rules: DEFAULT_ROUTING_RULES };
  const meta = { updated_at: stored.updated_at, version: stored.version };
  try {
    return { source: 'table', valid: true, ...meta, rules: parseRoutingRules(stored.rules_json) };
  } catch (error) {
    // Written around this CLI: the function answers the safe default until it is fixed.
    return { source: 'table', valid: false, reason: (error as Error).message, ...meta, stored: stored.rules_json };
  }
}

/** Validates the file with the same parser the function uses; nothing is written when it is invalid. */
export async function setSwmlRules(target: Target, file: string | undefined): Promise<SwmlRulesView> {
  if (!file) throw new CliError('usage: webhooks swml set <rules.json>');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (text.trim() === '')
    throw new CliError(`${file} is empty; \`webhooks swml reset\` goes back to the built-in rules`);
  let rules: RoutingRules;
  try {
    rules = parseRoutingRules(text);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}; nothing was changed`);
  }
  const stored = await createSwmlRulesStore(target.table).put(JSON.stringify(JSON.parse(text)));
  return { source: 'table', valid: true, updated_at: stored.updated_at, version: stored.version, rules };
}

export async function resetSwmlRules(target: Target): Promise<SwmlRulesView> {
  await createSwmlRulesStore(target.table).remove();
  return { source: 'built-in', valid: true, rules: DEFAULT_ROUTING_RULES };
}
