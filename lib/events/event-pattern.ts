/**
 * EventBridge event patterns, as a rule on a bus matches them: for the local bus (local/eventbridge-stand-in.ts) and
 * its local consumers, so that a pattern written against `npm start` matches the same events deployed, and a pattern
 * AWS would refuse is refused locally too.
 *
 * The semantics, as AWS documents them:
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html (syntax: every field of the
 *   pattern must be in the event, same nesting; leaves are arrays of values, any of which may match; other fields of
 *   the event are ignored)
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (the comparison
 *   operators: prefix, suffix, equals-ignore-case, anything-but, numeric, cidr, exists, wildcard, $or)
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html (an array in the event
 *   matches when any of its elements does)
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html (null and "" are
 *   values of their own)
 * and as Event Ruler, the matcher EventBridge open-sourced, implements them (https://github.com/aws/event-ruler:
 * README "Ruler by Example"; JsonRuleCompiler.java for what a pattern may be and the reasons a bad one is refused,
 * which are InvalidEventPatternException's). Two points where the user guide and Event Ruler differ follow Event
 * Ruler: a number in a pattern matches an equal number however written (300 = 300.0 = 3e2: Event Ruler adds a
 * numeric matcher for every number, and JSON.parse cannot tell them apart anyway), and fields are never dot-joined
 * (`{"a.b": ...}` in an event is not `{"a": {"b": ...}}`, which Event Ruler says is not to be relied upon).
 * Not reproduced: Event Ruler's "rule is too complex" refusal of wildcard patterns with many repeating sequences.
 */

/** A pattern object: field name -> array of conditions (a leaf), nested pattern object, or `$or` alternatives. */
type PatternObject = { [field: string]: unknown };

/** The operators a condition object may name; `$or` may not use them as field names (Event Ruler's reserved names). */
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'wildcard',
  'cidr',
]);
const RESERVED_IN_OR = new Set([...OPERATORS, 'exactly', '=', '<', '<=', '>', '>=', 'regex']);

class InvalidPattern extends Error {}
function refuse(reason: string): never {
  throw new InvalidPattern(reason);
}

/**
 * Why AWS would refuse `pattern` (PutRule's InvalidEventPatternException, whose message this is: `Event pattern is
 * not valid. Reason: ...`), or undefined when it is a valid pattern. `pattern` is the parsed JSON.
 */
export function eventPatternError(pattern: unknown): string | undefined {
  try {
    if (!isObject(pattern)) refuse('Filter is not an object');
    checkObject(pattern as PatternObject, false);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidPattern) return `Event pattern is not valid. Reason: ${error.message}`;
    throw error;
  }
}

/**
 * Whether `event` (an EventBridge event: `{ version, id, 'detail-type', source, account, time, region, resources,
 * detail }`, or any JSON object) matches `pattern`. A pattern AWS would refuse (eventPatternError) matches nothing.
 */
export function matchesEventPattern(pattern: unknown, event: Record<string, unknown>): boolean {
  if (eventPatternError(pattern) !== undefined) return false;
  return matchObject(pattern as PatternObject, event);
}

// ---- validation (Event Ruler's JsonRuleCompiler, reason for reason)

function checkObject(pattern: PatternObject, insideOr: boolean): void {
  const fields = Object.entries(pattern);
  if (fields.length === 0) refuse('Empty objects are not allowed');
  for (const [name, value] of fields) {
    if (name === '$or') {
      checkOr(value);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(name))
      refuse(`${name} is Ruler reserved fieldName which cannot be used inside $or.`);
    if (Array.isArray(value)) checkConditions(value);
    else if (isObject(value)) checkObject(value as PatternObject, insideOr);
    else refuse(`"${name}" must be an object or an array`);
  }
}

function checkOr(alternatives: unknown): void {
  if (!Array.isArray(alternatives)) refuse('It must be an Array followed with $or.');
  for (const alternative of alternatives) {
    if (!isObject(alternative)) refuse('Only JSON object is allowed in array of $or relationship.');
    checkObject(alternative as PatternObject, true);
  }
  if (alternatives.length < 2) refuse('There must have at least 2 Objects in $or relationship.');
}

function checkConditions(conditions: unknown[]): void {
  if (conditions.length === 0) refuse('Empty arrays are not allowed');
  for (const condition of conditions) {
    if (isObject(condition)) checkOperator(condition as PatternObject);
    else if (Array.isArray(condition)) refuse('Match value must be String, number, true, false, or null');
  }
}

function checkOperator(condition: PatternObject): void {
  const entries = Object.entries(condition);
  if (entries.length === 0) refuse('Match expression name not found');
  const [operator, argument] = entries[0]!;
  if (entries.length > 1)
    refuse(
      operator === 'numeric' ? 'Too many elements in numeric expression' : 'Only one key allowed in match expression',
    );
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (isObject(argument)) checkIgnoreCaseArgument(operator, argument as PatternObject);
      else if (typeof argument !== 'string') refuse(`${operator} match pattern must be a string`);
      return;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof argument !== 'string') refuse(`${operator} match pattern must be a string`);
      if (operator === 'wildcard') checkWildcard(argument as string);
      return;
    case 'exists':
      if (typeof argument !== 'boolean') refuse('exists match pattern must be either true or false.');
      return;
    case 'numeric':
      if (!Array.isArray(argument)) refuse('Value of numeric must be an array.');
      checkNumeric(argument as unknown[]);
      return;
    case 'cidr':
      if (typeof argument !== 'string') refuse('prefix match pattern must be a string');
      parseCidr(argument as string);
      return;
    case 'anything-but':
      checkAnythingBut(argument);
      return;
    default:
      refuse(`Unrecognized match type ${operator}`);
  }
}

/** `{ prefix: { equals-ignore-case: "..." } }`, `{ suffix: { equals-ignore-case: "..." } }`. */
function checkIgnoreCaseArgument(operator: string, argument: PatternObject): void {
  const entries = Object.entries(argument);
  const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
  if (entries.length === 0) refuse(`${label} expression name not found`);
  const [name, value] = entries[0]!;
  if (name !== 'equals-ignore-case') refuse(`Unsupported ${operator} pattern: ${name}`);
  if (typeof value !== 'string') refuse('equals-ignore-case match pattern must be a string');
  if (entries.length > 1) refuse('Only one key allowed in match expression');
}

/** `[op, n]` or `[">" | ">=", n, "<" | "<=", m]` with bottom < top; op one of = < <= > >=. */
function checkNumeric(terms: unknown[]): void {
  const [operator, value, upper, top, ...rest] = terms;
  if (typeof operator !== 'string') refuse(`Invalid member in numeric match: ${JSON.stringify(operator)}`);
  if (!['=', '<', '<=', '>', '>='].includes(operator)) refuse(`Unrecognized numeric range operator: ${operator}`);
  if (typeof value !== 'number') refuse(`Value of ${operator} must be numeric`);
  if (terms.length === 2) return;
  if (operator !== '>' && operator !== '>=') refuse('Too many elements in numeric expression');
  if (typeof upper !== 'string') refuse(`Bad value in numeric range: ${JSON.stringify(upper)}`);
  if (upper !== '<' && upper !== '<=') refuse(`Bad numeric range operator: ${upper}`);
  if (typeof top !== 'number') refuse(`Value of ${upper} must be numeric`);
  if (rest.length > 0 || terms.length < 4) refuse('Too many terms in numeric range expression');
  if ((value as number) >= (top as number)) refuse('Bottom must be less than top');
}

function checkAnythingBut(argument: unknown): void {
  if (isObject(argument)) {
    const entries = Object.entries(argument as PatternObject);
    if (entries.length === 0) refuse('Anything-But expression name not found');
    const [operator, value] = entries[0]!;
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(operator))
      refuse(`Unsupported anything-but pattern: ${operator}`);
    if (!Array.isArray(value) && typeof value !== 'string' && typeof value !== 'number')
      refuse('Value of anything-but must be an array or single string/number value.');
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string')
        refuse(
          operator === 'equals-ignore-case'
            ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
            : operator === 'wildcard'
              ? 'wildcard match pattern must be a string'
              : 'prefix/suffix match pattern must be a string',
        );
      if ((operator === 'prefix' || operator === 'suffix') && item === '') refuse('Null prefix/suffix not allowed');
      if (operator === 'wildcard') checkWildcard(item as string);
    }
    if (entries.length > 1) refuse('Too many elements in numeric expression');
    return;
  }
  if (Array.isArray(argument)) {
    const strings = argument.every((item) => typeof item === 'string');
    const numbers = argument.every((item) => typeof item === 'number');
    if (argument.some((item) => typeof item !== 'string' && typeof item !== 'number'))
      refuse('Inside anything but list, start|null|boolean is not supported.');
    if (argument.length === 0 || (!strings && !numbers))
      refuse('Inside anything but list, either all values are number or string, mixed type is not supported');
    return;
  }
  if (typeof argument !== 'string' && typeof argument !== 'number')
    refuse('Value of anything-but must be an array or single string/number value.');
}

/** `*` matches any run of characters; `\*` is a literal `*` and `\\` a literal `\`; `**` and other escapes are refused. */
function checkWildcard(value: string): void {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '*' && value[i + 1] === '*')
      refuse(`Consecutive wildcard characters at pos ${bytePosition(value, i)}`);
    if (value[i] === '\\') {
      if (value[i + 1] !== '*' && value[i + 1] !== '\\')
        refuse(`Invalid escape character at pos ${bytePosition(value, i)}`);
      i++;
    }
  }
}

/** Where Event Ruler says a wildcard goes wrong: the UTF-8 byte offset in the value as it reads it, after a `"`. */
const bytePosition = (value: string, at: number) => new TextEncoder().encode(value.slice(0, at)).length + 1;

// ---- matching

function matchObject(pattern: PatternObject, value: unknown): boolean {
  for (const [name, condition] of Object.entries(pattern)) {
    if (name === '$or') {
      if (!(condition as PatternObject[]).some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const field = isObject(value) && Object.hasOwn(value as object, name) ? (value as PatternObject)[name] : undefined;
    const matched = Array.isArray(condition)
      ? condition.some((one) => matchCondition(one, leavesOf(field)))
      : matchNested(condition as PatternObject, field);
    if (!matched) return false;
  }
  return true;
}

/** A nested pattern against an object, or an array of them (any element may match: arrays are "crushed"). */
function matchNested(pattern: PatternObject, field: unknown): boolean {
  if (Array.isArray(field) && field.length > 0) return field.some((element) => matchNested(pattern, element));
  return matchObject(pattern, field);
}

type Leaf = string | number | boolean | null;

/** The values at a field: itself, or the elements of an array (nested arrays flattened); objects are no values. */
function leavesOf(field: unknown): Leaf[] {
  if (field === undefined || isObject(field)) return [];
  if (Array.isArray(field)) return field.flatMap(leavesOf);
  return [field as Leaf];
}

function matchCondition(condition: unknown, leaves: Leaf[]): boolean {
  if (!isObject(condition)) return leaves.some((leaf) => leaf === condition);
  const [operator, argument] = Object.entries(condition as PatternObject)[0]!;
  if (operator === 'exists') return leaves.length > 0 === argument;
  return leaves.some((leaf) => matchOperator(operator, argument, leaf));
}

function matchOperator(operator: string, argument: unknown, leaf: Leaf): boolean {
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      if (typeof leaf !== 'string') return false;
      const ignoreCase = isObject(argument);
      const affix = ignoreCase ? String((argument as PatternObject)['equals-ignore-case']) : (argument as string);
      return hasAffix(operator, ignoreCase ? leaf.toLowerCase() : leaf, ignoreCase ? affix.toLowerCase() : affix);
    }
    case 'equals-ignore-case':
      return typeof leaf === 'string' && leaf.toLowerCase() === (argument as string).toLowerCase();
    case 'wildcard':
      return typeof leaf === 'string' && wildcardRegExp(argument as string).test(leaf);
    case 'numeric':
      return typeof leaf === 'number' && inRange(argument as (string | number)[], leaf);
    case 'cidr':
      return typeof leaf === 'string' && inCidr(argument as string, leaf);
    case 'anything-but':
      return !excludedBy(argument, leaf);
    default:
      return false;
  }
}

const hasAffix = (operator: string, value: string, affix: string) =>
  operator === 'prefix' ? value.startsWith(affix) : value.endsWith(affix);

/** Whether anything-but's argument names `leaf`: the same string or number, or a string with its prefix, suffix... */
function excludedBy(argument: unknown, leaf: Leaf): boolean {
  if (Array.isArray(argument)) return argument.some((item) => excludedBy(item, leaf));
  if (!isObject(argument)) return leaf === argument;
  if (typeof leaf !== 'string') return false;
  const [operator, value] = Object.entries(argument as PatternObject)[0]!;
  const values = (Array.isArray(value) ? value : [value]) as string[];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return values.some((affix) => hasAffix(operator, leaf, affix));
    case 'equals-ignore-case':
      return values.some((other) => other.toLowerCase() === leaf.toLowerCase());
    default:
      return values.some((wildcard) => wildcardRegExp(wildcard).test(leaf));
  }
}

function inRange(terms: (string | number)[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const bound = terms[i + 1] as number;
    const holds = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[terms[i] as '=' | '<' | '<=' | '>' | '>='];
    if (!holds) return false;
  }
  return true;
}

const wildcards = new Map<string, RegExp>();
function wildcardRegExp(wildcard: string): RegExp {
  let regExp = wildcards.get(wildcard);
  if (regExp === undefined) {
    let source = '';
    for (let i = 0; i < wildcard.length; i++) {
      const char = wildcard[i]!;
      if (char === '*') source += '.*';
      else source += escapeRegExp(char === '\\' ? wildcard[++i]! : char);
    }
    regExp = new RegExp(`^${source}$`, 's');
    wildcards.set(wildcard, regExp);
  }
  return regExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// ---- IP addresses (cidr)

/** An IPv4 or IPv6 address as its bits; undefined when `text` is not one. */
function ipBits(text: string): { bits: bigint; width: 32 | 128 } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return { bits: parts.reduce((sum, part) => (sum << 8n) | BigInt(part), 0n), width: 32 };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return { bits: all.reduce((sum, group) => (sum << 16n) | BigInt(`0x${group}`), 0n), width: 128 };
}

function parseCidr(cidr: string): { bits: bigint; width: 32 | 128; mask: number } {
  const parts = cidr.split('/');
  if (parts.length !== 2) return refuse("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  const mask = /^\d+$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(mask)) return refuse('Malformed CIDR, mask bits must be an integer');
  const ip = ipBits(address);
  if (ip === undefined) return refuse(`Nonstandard IP address: ${address}`);
  if (mask < 0 || mask > ip.width) return refuse(`Malformed CIDR, mask bits must be between 0 and ${ip.width}`);
  return { ...ip, mask };
}

function inCidr(cidr: string, value: string): boolean {
  const range = parseCidr(cidr);
  const ip = ipBits(value);
  if (ip === undefined || ip.width !== range.width) return false;
  const shift = BigInt(range.width - range.mask);
  return ip.bits >> shift === range.bits >> shift;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
