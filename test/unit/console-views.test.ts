import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stepChart } from '../../console/charts/step-chart';
import { html } from '../../console/html';
import { feedRow } from '../../console/views/feed';
import { memberCountPoints } from '../../console/views/room';

describe('console views', () => {
  it('escapes what deliveries carry: a payload cannot inject markup into the page', () => {
    const row = feedRow(
      {
        event_id: 'e1',
        kind: 'call.status',
        route: 'POST /call-status',
        received_at: '2026-01-01T00:00:00Z',
        processed_at: '2026-01-01T00:00:01Z',
        status: 'applied',
        outcome: 'advanced',
        attempts: 1,
        natural_key: 'call:<script>x</script>:ringing',
      },
      1,
    ).text;
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
});
