// A cache for dynalite's expression parsers, installed in the DynamoDB emulator's process (local/emulator-main.mjs).
//
// dynalite parses every UpdateExpression and ConditionExpression with a PEG parser on every request: about 40% of
// its CPU for a conditional UpdateItem, and the emulator is the local stack's busiest process. The worker sends the
// same few expressions over and over with new values, so the parse is cached by what decides its outcome: the
// expression, the attribute names, which values have which types, and whether it is a key condition. A hit returns a
// copy of the cached tree with the request's own value objects put where the first request's were, and marks the
// same names and values used, so dynalite's "unused value" and type checks answer as a fresh parse would.
//
// Not cached: a parse that fails (errors are computed afresh every time, by the parser itself), and expressions whose outcome depends on
// the values themselves, not only their types (`attribute_type` reads the type name, BETWEEN compares its bounds).
// DYNALITE_PARSE_CACHE=verify parses every hit afresh as well and throws when the two differ (a check for tests);
// DYNALITE_PARSE_CACHE=off turns the cache off.
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const PARSERS = ['conditionParser', 'updateParser', 'projectionParser'];
const VALUE_DEPENDENT = /attribute_type|between/i;
const MAX_ENTRIES = 5_000;

export function installParseCache(mode = 'on') {
  if (mode === 'off') return;
  for (const name of PARSERS) {
    const parser = require(`dynalite/db/${name}.js`);
    parser.parse = cachedParse(parser.parse.bind(parser), mode === 'verify');
  }
}

function cachedParse(parse, verify) {
  const cache = new Map();
  return (input, options) => {
    const context = options.context;
    if (VALUE_DEPENDENT.test(input)) return parse(input, options);
    const values = context.attrVals ?? {};
    const key = cacheKey(input, context, values);
    let entry = cache.get(key);
    if (entry === undefined) {
      // Parsed against full "unused" sets of its own, so the names and values this expression uses are known
      // whatever other expressions of the same request used before it. A failure throws here: never cached.
      const probe = { ...context, unusedAttrNames: allTrue(context.attrNames), unusedAttrVals: allTrue(values) };
      const tree = parse(input, { ...options, context: probe });
      if (typeof tree === 'string') return parse(input, options); // dynalite's parsers answer a failed check with its message
      entry = {
        tree,
        values: new Map(Object.entries(values).map(([k, v]) => [v, k])),
        usedNames: Object.keys(context.attrNames ?? {}).filter((k) => !(k in probe.unusedAttrNames)),
        usedValues: Object.keys(values).filter((k) => !(k in probe.unusedAttrVals)),
      };
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(key, entry);
    }
    for (const k of entry.usedNames) delete context.unusedAttrNames?.[k];
    for (const k of entry.usedValues) delete context.unusedAttrVals?.[k];
    const tree = withValues(entry.tree, entry.values, values);
    if (verify) {
      const fresh = parse(input, { ...options, context: { ...context, unusedAttrNames: {}, unusedAttrVals: {} } });
      if (!isDeepStrictEqual(fresh, tree)) throw new Error(`dynalite parse cache: a cached parse of ${JSON.stringify(input)} differs from a fresh one`);
    }
    return tree;
  };
}

function cacheKey(input, context, values) {
  let key = `${context.isKeyCondition ? 'K' : 'E'}\u0000${input}\u0000`;
  for (const name in context.attrNames) key += `${name}=${context.attrNames[name]}\u0001`;
  key += '\u0000';
  for (const name in values) key += `${name}:${typeOf(values[name])}\u0001`;
  return key;
}

const typeOf = (value) => (value && typeof value === 'object' ? Object.keys(value).join(',') : typeof value);
const allTrue = (object) => Object.fromEntries(Object.keys(object ?? {}).map((k) => [k, true]));

/** A copy of the tree, with each of the cached request's value objects replaced by this request's value of that name. */
function withValues(node, cachedValues, values) {
  if (node === null || typeof node !== 'object') return node;
  const name = cachedValues.get(node);
  if (name !== undefined) return values[name];
  if (Array.isArray(node)) return node.map((child) => withValues(child, cachedValues, values));
  const copy = Object.create(Object.getPrototypeOf(node)); // dynalite's maps are Object.create(null): so is the copy
  for (const k of Object.keys(node)) copy[k] = withValues(node[k], cachedValues, values);
  return copy;
}
