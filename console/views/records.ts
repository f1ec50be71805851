import { priceText, reconcileText } from '../../lib/stats/cost';
import type { FirstSeenRecord } from '../../lib/store/list-by-first-seen';
import { html, type Html } from '../html';

/** A list of records (calls, messages, rooms) first seen in the last 24 h; each row opens its detail. */
export function recordList(section: 'calls' | 'messages' | 'rooms', title: string, records: FirstSeenRecord[]): Html {
  // Calls and messages carry what SignalWire charged, once it has priced them (rooms have no price).
  const priced = section !== 'rooms';
  const rows = records.map(
    (
      r,
    ) => html`<tr><td><a href="/${section}/${encodeURIComponent(r.id)}" hx-get="/${section}/${encodeURIComponent(r.id)}" hx-target="main" hx-push-url="true">${r.id}</a></td>
<td>${r.state ?? r.status ?? '–'}</td><td>${r.direction ?? ''}</td><td class="time">${r.first_seen_at.slice(0, 19).replace('T', ' ')}</td><td>${r.duration_seconds ?? ''}</td>${priced ? html`<td class="price">${r.price === undefined ? '' : `${r.price} ${r.price_unit ?? ''}`.trim()}</td>` : ''}</tr>`,
  );
  return html`<section id="${section}">
<h2>${title} <small class="muted">first seen in the last 24 h</small></h2>
<table class="grid"><thead><tr><th>id</th><th>state</th><th>direction</th><th>first seen (UTC)</th><th>duration s</th>${priced ? html`<th>price</th>` : ''}</tr></thead><tbody>${rows}</tbody></table>
${records.length === 0 ? html`<p class="empty">none</p>` : ''}
</section>`;
}

export function facts(entries: [string, string | number | null | undefined | Html][]): Html {
  return html`<dl class="facts">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '–' : v}</dd>`)}</dl>`;
}

/**
 * A call's or message's price (`pending` once it is `done` and SignalWire has not priced it yet) and, when set, the
 * reconciler's marks: when it last changed the record, and `unknown (reason)` when SignalWire could not tell.
 */
export function costFacts(record: Parameters<typeof priceText>[0], done: boolean): [string, string | Html | null][] {
  const facts: [string, string | Html | null][] = [['price', priceText(record, done)]];
  if (record.reconciled_at !== null)
    facts.push([
      'reconciled at',
      html`<span class="tag reconciled">reconciled</span> <span class="time">${record.reconciled_at}</span>`,
    ]);
  const reconcile = reconcileText(record);
  if (reconcile !== null) facts.push(['reconcile', html`<span class="tag unknown">${reconcile}</span>`]);
  return facts;
}

export function notFound(what: string): Html {
  return html`<section><p class="empty">${what} not found</p></section>`;
}
