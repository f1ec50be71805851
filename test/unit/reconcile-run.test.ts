import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookEnvelope } from '../../lib/envelope/envelope';
import type { OpenRecord, ReconcileKind } from '../../lib/reconcile/open-record';
import { runReconcile, type ReconcileSettings } from '../../lib/reconcile/run-reconcile';
import { RateLimitedError, type LookupAnswer } from '../../lib/signalwire/lookup-client';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const SETTINGS: ReconcileSettings = {
  callWindowMinutes: 10,
  messageWindowMinutes: 15,
  giveUpHours: 24,
  maxRequests: 100,
  concurrency: 3,
};

const call = (id: string, state: string, extra: Partial<OpenRecord> = {}): OpenRecord => ({
  kind: 'call',
  id,
  lookup: { api: 'compat', id },
  state,
  priced: false,
  firstSeenAt: '2026-12-07T11:00:00.000Z',
  lastChangeAt: '2026-12-07T11:01:00.000Z',
  ...extra,
});

const completed = (sid: string, price: string | null) => ({
  sid,
  status: 'completed',
  start_time: 'Mon, 07 Dec 2026 11:00:00 +0000',
  end_time: 'Mon, 07 Dec 2026 11:02:00 +0000',
  duration: '90',
  price,
  price_unit: 'USD',
});

/** The run over in-memory ports: records by kind, answers by id (a function may throw, e.g. a 429). */
function harness(
  records: OpenRecord[],
  answers: Record<string, () => LookupAnswer>,
  listing: { calls?: Record<string, unknown>[][]; have?: string[]; listedThrough?: string } = {},
) {
  const cursor: { value?: string } = { value: listing.listedThrough };
  const pagesAsked: (string | undefined)[] = [];
  const sent: WebhookEnvelope[] = [];
  const slept: number[] = [];
  const asked: { kind: ReconcileKind; range: { changedBefore: string; firstSeenSince?: string } }[] = [];
  const deps = {
    records: {
      list: async (kind: ReconcileKind, range: { changedBefore: string; firstSeenSince?: string }) => {
        asked.push({ kind, range });
        return records.filter((r) => r.kind === kind);
      },
    },
    signalwire: {
      get: async (_kind: ReconcileKind, ref: { id: string }) => {
        const answer = answers[ref.id];
        if (answer === undefined) throw new Error(`no answer scripted for ${ref.id}`);
        return answer();
      },
      listPage: async (kind: ReconcileKind, next?: string) => {
        pagesAsked.push(next);
        const pages = kind === 'call' ? (listing.calls ?? [[]]) : [[]];
        const index = next === undefined ? 0 : Number(next);
        return { resources: pages[index] ?? [], ...(index + 1 < pages.length && { next: String(index + 1) }) };
      },
    },
    known: {
      existing: async (_kind: ReconcileKind, ids: string[]) => new Set(ids.filter((id) => listing.have?.includes(id))),
      listedThrough: async () => cursor.value,
      setListedThrough: async (iso: string) => {
        cursor.value = iso;
      },
    },
    enqueue: async (envelope: WebhookEnvelope) => {
      sent.push(envelope);
    },
    now: () => NOW,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
  return { deps, sent, slept, asked, cursor, pagesAsked };
}

describe('runReconcile (one run over the open records)', () => {
  it('reports the final state and price of a call whose end never arrived, as a queued report', async () => {
    const h = harness([call('CA1', 'answered')], {
      CA1: () => ({ found: true, resource: completed('CA1', '-0.00650') }),
    });
    const report = await runReconcile(h.deps, SETTINGS);
    assert.deepEqual(report.changes, [
      { kind: 'call', id: 'CA1', from: 'answered', missing: 'state', to: 'ended', price: 0.0065, priceUnit: 'USD' },
    ]);
    assert.equal(h.sent.length, 1);
    const envelope = h.sent[0]!;
    assert.equal(envelope.source, 'reconcile');
    assert.equal(envelope.kind, 'call.status');
    assert.deepEqual(envelope.payload, {
      reconcile: 'state',
      api: 'compat',
      record_id: 'CA1',
      resource: completed('CA1', '-0.00650'),
    });
    // The window: only records whose last change is 10 (calls) and 15 (messages) minutes old are asked about.
    assert.deepEqual(
      h.asked.map((a) => [a.kind, a.range.changedBefore]),
      [
        ['call', '2026-12-07T11:50:00.000Z'],
        ['message', '2026-12-07T11:45:00.000Z'],
      ],
    );
  });

  it('reports a price that came after the end (cost), and nothing for a call SignalWire has not priced yet', async () => {
    const h = harness([call('CA1', 'ended'), call('CA2', 'ended')], {
      CA1: () => ({ found: true, resource: completed('CA1', '-0.01') }),
      CA2: () => ({ found: true, resource: completed('CA2', null) }),
    });
    const report = await runReconcile(h.deps, SETTINGS);
    assert.deepEqual(
      report.changes.map((c) => [c.id, c.missing]),
      [['CA1', 'cost']],
    );
    assert.equal(report.unchanged, 1);
  });

  it('marks unknown a call SignalWire does not know, and one still open after the give-up bound', async () => {
    const old = { firstSeenAt: '2026-12-06T11:00:00.000Z' };
    const h = harness([call('CA1', 'answered'), call('CA2', 'answered', old)], {
      CA1: () => ({ found: false }),
      CA2: () => ({ found: true, resource: { sid: 'CA2', status: 'in-progress' } }),
    });
    const report = await runReconcile(h.deps, SETTINGS);
    assert.deepEqual(
      report.changes.map((c) => [c.id, c.missing, c.reason]),
      [
        ['CA1', 'unknown', 'SignalWire does not know this call'],
        ['CA2', 'unknown', 'still answered after 24 h'],
      ],
    );
    assert.deepEqual(
      h.sent.map((e) => e.payload.reconcile),
      ['unknown', 'unknown'],
    );
  });

  it('pauses every request for the Retry-After of a 429 and asks again', async () => {
    let calls = 0;
    const h = harness([call('CA1', 'answered')], {
      CA1: () => {
        calls += 1;
        if (calls === 1) throw new RateLimitedError('429', 3000);
        return { found: true, resource: completed('CA1', '-0.01') };
      },
    });
    const report = await runReconcile(h.deps, SETTINGS);
    assert.equal(report.rateLimited, 1);
    assert.equal(report.requests, 2);
    assert.equal(report.changes.length, 1);
    assert.ok(
      h.slept.some((ms) => ms >= 2900),
      `slept ${h.slept.join(', ')} ms`,
    );
  });

  it('stops at its request budget and says so; the rest waits for the next run', async () => {
    const records = ['CA1', 'CA2', 'CA3', 'CA4', 'CA5'].map((id) => call(id, 'answered'));
    const answers = Object.fromEntries(
      records.map((r) => [r.id, () => ({ found: true, resource: completed(r.id, '-0.01') }) as LookupAnswer]),
    );
    const h = harness(records, answers);
    const report = await runReconcile(h.deps, { ...SETTINGS, maxRequests: 2, concurrency: 1 });
    assert.equal(report.requests, 2);
    assert.equal(report.changes.length, 2);
    assert.equal(report.budgetExhausted, true);
  });

  it('counts a record it could not ask about as failed and goes on with the others', async () => {
    const h = harness([call('CA1', 'answered'), call('CA2', 'answered')], {
      CA1: () => {
        throw new Error('signalwire: get call failed with HTTP 503');
      },
      CA2: () => ({ found: true, resource: completed('CA2', '-0.01') }),
    });
    const report = await runReconcile(h.deps, SETTINGS);
    assert.deepEqual(report.failed, [{ kind: 'call', id: 'CA1', reason: 'signalwire: get call failed with HTTP 503' }]);
    assert.deepEqual(
      report.changes.map((c) => c.id),
      ['CA2'],
    );
  });

  it('with dryRun reports what would change and sends nothing; with since reads every age', async () => {
    const h = harness([call('CA1', 'answered')], {
      CA1: () => ({ found: true, resource: completed('CA1', '-0.01') }),
    });
    const report = await runReconcile(h.deps, { ...SETTINGS, dryRun: true, since: '2026-12-01T00:00:00.000Z' });
    assert.equal(report.changes.length, 1);
    assert.equal(h.sent.length, 0);
    assert.deepEqual(h.asked[0]!.range, {
      changedBefore: NOW.toISOString(),
      firstSeenSince: '2026-12-01T00:00:00.000Z',
    });
  });

  it('discovers calls we never heard of (every webhook lost) by listing since the last listing, and moves the cursor', async () => {
    const listed = (sid: string, created: string) => ({ ...completed(sid, '-0.01'), date_created: created });
    const h = harness(
      [],
      {},
      {
        listedThrough: '2026-12-07T11:30:00.000Z',
        have: ['CA-known'],
        calls: [
          [listed('CA-new', 'Mon, 07 Dec 2026 11:50:00 +0000'), listed('CA-known', 'Mon, 07 Dec 2026 11:40:00 +0000')],
          // Older than the cursor less its 15 minutes of overlap: the listing stops at this page.
          [listed('CA-old', 'Mon, 07 Dec 2026 11:00:00 +0000')],
          [listed('CA-never-read', 'Mon, 07 Dec 2026 10:00:00 +0000')],
        ],
      },
    );
    const report = await runReconcile(h.deps, { ...SETTINGS, discover: true });
    assert.deepEqual(report.changes, [{ kind: 'call', id: 'CA-new', missing: 'record', to: 'ended' }]);
    assert.equal(h.sent[0]!.payload.record_id, 'CA-new');
    assert.deepEqual(h.pagesAsked, [undefined, '1', undefined], 'two call pages, one message page');
    assert.equal(h.cursor.value, NOW.toISOString());
  });
});
