/**
 * One UpdateItem's expressions, from attribute names and values. Each attribute gets its own placeholders (`#n0`,
 * `:v0`), so any name is safe (reserved words such as `status`, computed ones such as `at_<state>`). The condition
 * is written by the store, with its own `:value` placeholders bound in `conditionValues` and `#name` placeholders
 * that stand for the attribute of that name. Undefined values are skipped (the attribute is left as it is).
 *
 * Used by the call, message and claim stores. The room store (room-updates.ts) still joins its own clauses; it can
 * move over by turning each clause into `set` / `setIfAbsent` / `add` entries keyed by attribute name.
 */
export interface UpdateSpec {
  /** `attribute = value`: overwrites. */
  set?: Readonly<Record<string, unknown>>;
  /** `attribute = if_not_exists(attribute, value)`: the first write that carries it sets it, later ones never move it. */
  setIfAbsent?: Readonly<Record<string, unknown>>;
  /** `ADD attribute value`: adds a number, or the elements of a set (an idempotency set only grows). */
  add?: Readonly<Record<string, unknown>>;
  /** `REMOVE attribute`: e.g. a record leaving a sparse index. */
  remove?: readonly string[];
  /** A ConditionExpression: the race the write closes is the store's to explain, beside it. */
  condition?: string;
  conditionValues?: Readonly<Record<string, unknown>>;
}

export interface UpdateExpressionInput {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export function buildUpdate(spec: UpdateSpec): UpdateExpressionInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assigned = new Set<string>();
  const bind = (attribute: string, value: unknown): [string, string] => {
    if (assigned.has(attribute)) throw new Error(`update expression: ${attribute} is assigned twice`);
    assigned.add(attribute);
    const i = assigned.size - 1;
    names[`#n${i}`] = attribute;
    values[`:v${i}`] = value;
    return [`#n${i}`, `:v${i}`];
  };
  const set: string[] = [];
  const add: string[] = [];
  for (const [attribute, value] of defined(spec.set)) {
    const [name, placeholder] = bind(attribute, value);
    set.push(`${name} = ${placeholder}`);
  }
  for (const [attribute, value] of defined(spec.setIfAbsent)) {
    const [name, placeholder] = bind(attribute, value);
    set.push(`${name} = if_not_exists(${name}, ${placeholder})`);
  }
  for (const [attribute, value] of defined(spec.add)) add.push(bind(attribute, value).join(' '));
  const remove = (spec.remove ?? []).map((attribute) => {
    if (assigned.has(attribute)) throw new Error(`update expression: ${attribute} is assigned twice`);
    assigned.add(attribute);
    const name = `#n${assigned.size - 1}`;
    names[name] = attribute;
    return name;
  });
  if (set.length === 0 && add.length === 0 && remove.length === 0)
    throw new Error('update expression: nothing to update');

  for (const [placeholder, value] of Object.entries(spec.conditionValues ?? {})) {
    if (/^:v\d+$/.test(placeholder))
      throw new Error(`update expression: ${placeholder} is reserved for attribute values`);
    values[placeholder] = value;
  }
  // `#status` in a condition stands for the attribute `status`.
  for (const placeholder of spec.condition?.match(/#\w+/g) ?? []) {
    if (/^#n\d+$/.test(placeholder))
      throw new Error(`update expression: ${placeholder} is reserved for attribute names`);
    names[placeholder] = placeholder.slice(1);
  }

  const clauses = [
    ...(set.length > 0 ? [`SET ${set.join(', ')}`] : []),
    ...(add.length > 0 ? [`ADD ${add.join(', ')}`] : []),
    ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
  ];
  return {
    UpdateExpression: clauses.join(' '),
    ...(spec.condition !== undefined && { ConditionExpression: spec.condition }),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}

function defined(fields: Readonly<Record<string, unknown>> | undefined): [string, unknown][] {
  return Object.entries(fields ?? {}).filter(([, value]) => value !== undefined);
}
