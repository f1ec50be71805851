import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, type EventType } from '../lib/events/domain-event';

/** This folder: the JSON Schemas of the product's events, one file per type's `data` and `event.json` around them. */
export const SCHEMAS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'events');

/** `Call Ended` -> `call-ended.json`. */
export const schemaFileOf = (type: EventType): string => `${type.toLowerCase().replaceAll(' ', '-')}.json`;

export const readSchema = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;

/** Every type's data schema, in EVENT_TYPES order. */
export const dataSchemas = (): { type: EventType; schema: Record<string, unknown> }[] =>
  EVENT_TYPES.map((type) => ({ type, schema: readSchema(schemaFileOf(type)) }));
