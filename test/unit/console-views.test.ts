import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stepChart } from '../../console/charts/step-chart';
import { html } from '../../console/html';
import { deliveryDetail } from '../../console/views/delivery';
import { feedRow } from '../../console/views/feed';
import { memberCountPoints } from '../../console/views/room';
import type { ArchiveEntry, ArchivedEvent } from '../../lib/archive/archive-entry';

/** A feed row of a call status delivery applied on its first try. */
const appliedRow = (entry: { event_id: string; natural_key?: string }) =>
  feedRow(
    {
      kind: 'call.status',
      route: 'POST /call-status',
      received_at: '2026-01-01T00:00:00Z',
      processed_at: '2026-01-01T00:00:01Z',
      status: 'applied',
      outcome: 'advanced',
      attempts: 1,
      ...entry,
    },
    1,
  ).text;

describe('console views', () => {
  it('escapes what deliveries carry: a payload cannot inject markup into the page', () => {
    const row = appliedRow({ event_id: 'e1', natural_key: 'call:<script>x</script>:ringing' });
    assert.doesNotMatch(row, /<script>/);
    assert.match(row, /&lt;script&gt;/);
    assert.equal(html`<p title="${'"onmouseover="x'}">`.text, '<p title="&quot;onmouseover=&quot;x">');
  });

  it('draws a step line with one point per state and shades the talk time', () => {
    const svg = stepChart({
      title: 'call',
      points: [
        { at: 0, value: 2 },
        { at: 5000, value: 3 },
        { at: 17000, value: 5 },
      ],
      yLabels: ['queued', 'created', 'ringing', 'answered', 'ending', 'ended'],
      bands: [{ from: 5000, to: 17000, label: 'talk time 12 s' }],
    }).text;
    assert.equal(svg.match(/<circle/g)?.length, 3);
    assert.match(svg, /class="band"/);
    assert.match(svg, /talk time 12 s/);
    assert.match(stepChart({ title: 'nothing', points: [] }).text, /no data/);
  });

  it('rebuilds the member count over time; a leave seen before its join never counted', () => {
    const points = memberCountPoints({
      room_session_id: 'rs',
      room_id: null,
      room_name: null,
      started_at: '2026-01-01T00:00:00Z',
      ended_at: null,
      member_count: 1,
      first_seen_at: '',
      updated_at: '',
      recordings: [],
      members: [
        { id: 'a', name: null, joined_at: '2026-01-01T00:00:10Z', left_at: '2026-01-01T00:00:50Z' },
        { id: 'b', name: null, joined_at: '2026-01-01T00:00:20Z', left_at: null },
        { id: 'c', name: null, joined_at: null, left_at: '2026-01-01T00:00:30Z' },
      ],
    });
    assert.deepEqual(
      points.map((p) => p.value),
      [0, 1, 2, 1],
    );
  });

  it("shows a delivery's events and where each stands with each destination", () => {
    const entry: ArchiveEntry & { events: ArchivedEvent[] } = {
      event_id: 'd-1',
      kind: 'call.status',
      route: 'POST /call-status',
      received_at: '2026-01-01T00:00:00Z',
      processed_at: '2026-01-01T00:00:01Z',
      content_type: 'json',
      body: '{"call_id":"c-1","call_state":"answered"}',
      headers: {},
      status: 'applied',
      outcome: 'advanced',
      attempts: 1,
      natural_key: 'call:c-1:answered',
      events: [{ id: 'evt_1', type: 'Call State Changed', subject: 'call/c-1' }],
    };
    const state = { event_id: 'evt_1', event_type: 'Call State Changed', updated_at: '2026-01-01T00:00:02Z' };
    const page = deliveryDetail(entry, [
      {
        ...entry.events[0]!,
        bus: 'published',
        destinations: [
          { ...state, destination: 'crm', status: 'delivered', attempts: 2, last_status: 200 },
          {
            ...state,
            destination: 'billing',
            status: 'retrying',
            attempts: 1,
            last_status: 'timeout',
            last_error: 'no answer within 10 s',
            next_attempt_at: '2026-01-01T00:01:02Z',
          },
          {
            ...state,
            destination: 'audit',
            status: 'dead-lettered',
            attempts: 1,
            last_status: 400,
            last_error: '<b>answered HTTP 400</b>',
          },
        ],
      },
    ]).text;
    const text = page.replace(/<[^>]+>/g, '');
    assert.match(text, /Call State Changed\s+evt_1\s+call\/c-1\s+published/);
    assert.match(text, /crm delivered · HTTP 200 · 2 tries/);
    assert.match(text, /billing retrying, next attempt at 00:01:02 · timeout · 1 try · no answer within 10 s/);
    assert.match(text, /audit dead-lettered · HTTP 400 · 1 try/);
    assert.match(page, /&lt;b&gt;answered HTTP 400&lt;\/b&gt;/, "the receiver's words are escaped");
    assert.match(page, /<a href="\/calls\/c-1"/, 'the natural key opens the call');
    // a delivery whose changes published nothing says so
    assert.match(deliveryDetail({ ...entry, events: [] }, []).text, /none: it changed nothing that is published/);
  });

  it('opens a delivery from its feed row', () => {
    const row = appliedRow({ event_id: 'd/1' });
    assert.match(row, /<a href="\/deliveries\/d%2F1" hx-get="\/deliveries\/d%2F1" hx-target="main"/);
  });
});
