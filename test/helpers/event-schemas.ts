import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import type { DomainEvent, EventType } from '../../lib/events/domain-event';
import { dataSchemas, readSchema } from '../../schemas/event-schemas';

/** RFC 3339 date-time, as JSON Schema's `date-time` format means it (Ajv knows no formats of its own). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const ajv = new Ajv({ allErrors: true, strict: true, formats: { 'date-time': (s: string) => DATE_TIME.test(s) } });
const envelope = ajv.compile(readSchema('event.json'));
const byType = new Map<EventType, ValidateFunction>(
  dataSchemas().map(({ type, schema }) => [type, ajv.compile(schema)]),
);

/** The reasons an event breaks its schemas (the envelope's, then its type's `data`); empty when it is valid. */
export function schemaErrors(event: unknown): string[] {
  if (!envelope(event)) return ajv.errorsText(envelope.errors).split(', ');
  const data = byType.get((event as DomainEvent).type)!;
  return data((event as DomainEvent).data) ? [] : ajv.errorsText(data.errors, { dataVar: 'data' }).split(', ');
}

export function assertValidEvents(events: readonly unknown[]): void {
  for (const event of events) assert.deepEqual(schemaErrors(event), [], JSON.stringify(event));
}
