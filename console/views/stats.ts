import { formatCost } from '../../lib/stats/cost';
import type { StatsSummary } from '../../lib/stats/summarize-stats';
import { barChart } from '../charts/bar-chart';
import { html, type Html } from '../html';

export const WINDOWS: [hours: number, label: string][] = [
  [1, 'last hour'],
  [6, 'last 6 hours'],
  [24, 'last 24 hours'],
  [168, 'last 7 days'],
];

/** `webhooks stats` for the chosen window, one bar chart per breakdown. */
export function statsSection(summary: StatsSummary, hours: number): Html {
  const options = WINDOWS.map(
    ([h, label]) => html`<option value="${h}"${h === hours ? html` selected` : ''}>${label}</option>`,
  );
  const average = summary.calls.average_duration_seconds;
  const cost = (totals: { cost: Record<string, number> }) => formatCost(totals.cost) || '–';
  const days = summary.cost_by_day.map(
    (d) =>
      html`<tr><td class="time">${d.day}</td><td>${d.calls.total}</td><td>${d.calls.priced}</td><td class="price">${cost(d.calls)}</td><td>${d.messages.total}</td><td>${d.messages.priced}</td><td class="price">${cost(d.messages)}</td></tr>`,
  );
  return html`<section id="stats">
<h2>Stats <small class="muted">${summary.since.slice(0, 16).replace('T', ' ')} – ${summary.until.slice(0, 16).replace('T', ' ')} UTC</small></h2>
<div class="toolbar"><label>window <select name="hours" hx-get="/stats" hx-target="#stats" hx-swap="outerHTML">${options}</select></label>
<span class="muted">average call duration: ${average === null ? '–' : `${average.toFixed(1)} s`}</span></div>
<div class="charts">
${barChart('first seen, by kind', summary.counts)}
${barChart('calls by state', summary.calls.by_state)}
${barChart('messages by status', summary.messages.by_status)}
${barChart('rooms', summary.rooms.by_state)}
${barChart('SWML fetches by direction', summary.swml_fetches.by_direction)}
</div>
<h3>Cost <small class="muted">what SignalWire charged, per day first seen (UTC); it prices a call or message some time after it ends</small></h3>
<p class="muted" id="cost-total">calls: ${cost(summary.calls)} (${summary.calls.priced} of ${summary.calls.total} priced) · messages: ${cost(summary.messages)} (${summary.messages.priced} of ${summary.messages.total} priced)</p>
<table class="grid" id="cost-by-day"><thead><tr><th>day</th><th>calls</th><th>priced</th><th>call cost</th><th>messages</th><th>priced</th><th>message cost</th></tr></thead><tbody>${days}</tbody></table>
${days.length === 0 ? html`<p class="empty">no calls or messages in this window</p>` : ''}
</section>`;
}
