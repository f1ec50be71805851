import { CALL_STATE_RANK } from '../../lib/calls/call-state';
import type { CallRecord } from '../../lib/calls/call-record';
import { stepChart } from '../charts/step-chart';
import { html, type Html } from '../html';
import { costFacts, facts } from './records';

const STATES = Object.entries(CALL_STATE_RANK)
  .sort((a, b) => a[1] - b[1])
  .map(([state]) => state);

/** A call's timeline as a chart: its state (in lifecycle order) over time, the talk time shaded. */
export function callDetail(call: CallRecord): Html {
  const points = call.timeline.map((t) => ({ at: Date.parse(t.at), value: STATES.indexOf(t.state) }));
  const answered = call.timeline.find((t) => t.state === 'answered');
  const ended = call.timeline.find((t) => t.state === 'ended');
  const talk =
    call.duration_seconds ??
    (answered && ended ? Math.round((Date.parse(ended.at) - Date.parse(answered.at)) / 1000) : null);
  const bands = answered
    ? [
        {
          from: Date.parse(answered.at),
          to: ended ? Date.parse(ended.at) : Date.now(),
          label: talk === null ? 'talking' : `talk time ${talk} s`,
        },
      ]
    : [];
  return html`<section id="call-detail">
<h2>Call <span class="id">${call.call_id}</span></h2>
${facts([
  ['state', call.state],
  ['from → to', `${call.from ?? '?'} → ${call.to ?? '?'}`],
  ['direction', call.direction],
  ['talk time', talk === null ? null : `${talk} s`],
  ['end reason', call.end_reason],
  ...costFacts(call, call.state === 'ended'),
])}
<h3>Timeline</h3>
${stepChart({ title: `call ${call.call_id} states over time`, points, yLabels: STATES, bands, until: ended ? undefined : Date.now() })}
<table class="grid"><thead><tr><th>state</th><th>at (UTC)</th></tr></thead>
<tbody>${call.timeline.map((t) => html`<tr><td>${t.state}</td><td class="time">${t.at}</td></tr>`)}</tbody></table>
</section>`;
}
