import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statsWindow, summarizeStats } from '../../lib/stats/summarize-stats';

const WINDOW = { since: '2025-01-15T00:00:00.000Z', until: '2025-01-16T00:00:00.000Z' };

describe('summarizeStats', () => {
  it('counts per kind and state and averages the durations that are known', () => {
    const summary = summarizeStats(
      {
        call: [
          { state: 'ended', duration_seconds: 60 },
          { state: 'ended', duration_seconds: 31 },
          { state: 'answered' },
          {},
        ],
        message: [{ status: 'delivered' }, { status: 'sent' }, { status: 'delivered' }],
        room: [{ ended_at: 1736937000000 }, {}],
        swml: [{ direction: 'inbound' }, {}],
      },
      WINDOW,
    );
    assert.deepEqual(summary, {
      ...WINDOW,
      counts: { call: 4, message: 3, room: 2, swml: 2 },
      calls: {
        total: 4,
        by_state: { ended: 2, answered: 1, unknown: 1 },
        with_duration: 2,
        average_duration_seconds: 45.5,
        priced: 0,
        cost: {},
      },
      messages: { total: 3, by_status: { delivered: 2, sent: 1 }, priced: 0, cost: {} },
      rooms: { total: 2, by_state: { active: 1, ended: 1 } },
      swml_fetches: { total: 2, by_direction: { inbound: 1, unknown: 1 } },
      cost_by_day: [
        {
          day: 'unknown',
          calls: { total: 4, priced: 0, cost: {} },
          messages: { total: 3, priced: 0, cost: {} },
        },
      ],
    });
  });

  it('sums the cost per UTC day of first seen and per unit, never adding two units together', () => {
    const summary = summarizeStats(
      {
        call: [
          { first_seen_at: '2025-01-15T23:59:00.000Z', state: 'ended', price: 0.0065, price_unit: 'USD' },
          { first_seen_at: '2025-01-15T10:00:00.000Z', state: 'ended', price: 0.0065, price_unit: 'USD' },
          { first_seen_at: '2025-01-16T00:01:00.000Z', state: 'ended', price: 0.02, price_unit: 'EUR' },
          { first_seen_at: '2025-01-16T00:02:00.000Z', state: 'ended' },
        ],
        message: [
          { first_seen_at: '2025-01-16T08:00:00.000Z', status: 'delivered', price: 0.0079, price_unit: 'USD' },
          { first_seen_at: '2025-01-14T08:00:00.000Z', status: 'sent' },
        ],
        room: [{ first_seen_at: '2025-01-15T08:00:00.000Z' }],
        swml: [],
      },
      WINDOW,
    );
    assert.deepEqual(
      { priced: summary.calls.priced, cost: summary.calls.cost },
      { priced: 3, cost: { USD: 0.013, EUR: 0.02 } },
    );
    assert.deepEqual(
      { priced: summary.messages.priced, cost: summary.messages.cost },
      { priced: 1, cost: { USD: 0.0079 } },
    );
    // Oldest day first; a day with only unpriced records is listed with nothing priced; rooms are not counted.
    assert.deepEqual(summary.cost_by_day, [
      {
        day: '2025-01-14',
        calls: { total: 0, priced: 0, cost: {} },
        messages: { total: 1, priced: 0, cost: {} },
      },
      {
        day: '2025-01-15',
        calls: { total: 2, priced: 2, cost: { USD: 0.013 } },
        messages: { total: 0, priced: 0, cost: {} },
      },
      {
        day: '2025-01-16',
        calls: { total: 2, priced: 1, cost: { EUR: 0.02 } },
        messages: { total: 1, priced: 1, cost: { USD: 0.0079 } },
      },
    ]);
  });

  it('has no average when no call has a duration', () => {
    const summary = summarizeStats({ call: [{ state: 'ringing' }], message: [], room: [], swml: [] }, WINDOW);
    assert.equal(summary.calls.average_duration_seconds, null);
  });
});

describe('statsWindow', () => {
  const now = new Date('2025-01-15T12:00:00Z');
  it('defaults to the last 24 hours', () => {
    assert.deepEqual(statsWindow({}, now), { since: '2025-01-14T12:00:00.000Z', until: '2025-01-15T12:00:00.000Z' });
  });
  it('takes --hours or --since', () => {
    assert.equal(statsWindow({ hours: '1.5' }, now).since, '2025-01-15T10:30:00.000Z');
    assert.equal(statsWindow({ since: '2025-01-15T08:00:00+01:00' }, now).since, '2025-01-15T07:00:00.000Z');
  });
  it('refuses what it cannot read, and both at once', () => {
    assert.throws(() => statsWindow({ hours: '0' }, now), /--hours must be a positive number/);
    assert.throws(() => statsWindow({ since: 'yesterday' }, now), /--since is not an ISO 8601 time/);
    assert.throws(() => statsWindow({ since: '2025-01-15', hours: '1' }, now), /not both/);
  });
});
