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
</section>`;
}
