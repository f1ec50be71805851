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
      },
      messages: { total: 3, by_status: { delivered: 2, sent: 1 } },
      rooms: { total: 2, by_state: { active: 1, ended: 1 } },
      swml_fetches: { total: 2, by_direction: { inbound: 1, unknown: 1 } },
    });
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
