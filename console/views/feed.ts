import type { ArchiveSummary } from '../../lib/archive/archive-store';
import type { FeedItem } from '../feed-buffer';
import { clock, html, type Html } from '../html';

/** Where a natural key's record is shown: `call:<id>:<state>` opens the call, and so on. */
export function recordLink(naturalKey: string | undefined): Html {
  if (!naturalKey) return html`<span class="muted">–</span>`;
  const [type, id] = naturalKey.split(':');
  const section = type === 'call' ? 'calls' : type === 'message' ? 'messages' : type === 'room' ? 'rooms' : undefined;
  if (section === undefined || !id) return html`${naturalKey}`;
  return html`<a href="/${section}/${encodeURIComponent(id)}" hx-get="/${section}/${encodeURIComponent(id)}" hx-target="main" hx-push-url="true">${naturalKey}</a>`;
}

export function feedRow(entry: ArchiveSummary, seq: number): Html {
  // Not a delivery: what the reconciler learned from SignalWire's REST API (lib/reconcile/), marked as such.
  const reconciled = entry.source === 'reconcile';
  return html`<tr class="feed-row${reconciled ? ' reconciled' : ''}" data-seq="${seq}" data-event-id="${entry.event_id}">
<td class="time" title="${entry.processed_at}">${clock(entry.processed_at)}</td>
<td>${entry.kind}${reconciled ? html` <span class="tag reconciled" title="learned from SignalWire's REST API, not a webhook">reconciled</span>` : ''}</td>
<td><span class="status ${entry.status}">${entry.status}</span></td>
<td>${recordLink(entry.natural_key)}</td>
<td class="muted">${entry.outcome}${entry.reason ? html` · ${entry.reason}` : ''}${entry.replay_of ? html` · replay` : ''}</td>
<td class="id"><a href="/deliveries/${encodeURIComponent(entry.event_id)}" hx-get="/deliveries/${encodeURIComponent(entry.event_id)}" hx-target="main" hx-push-url="true">${entry.event_id}</a></td>
</tr>`;
}

/** The rows a page has not shown yet (the client sends the newest `data-seq` it has as `after`). */
export function feedRows(items: FeedItem[]): Html {
  return html`${items.map((item) => feedRow(item.entry, item.seq))}`;
}

export function feedSection(items: FeedItem[]): Html {
  return html`<section id="feed">
<h2>Live feed <small class="muted">deliveries and what became of them, newest first</small></h2>
<div id="feed-poller" hx-get="/feed/rows" hx-trigger="every 1s" hx-target="#feed-rows" hx-swap="afterbegin"></div>
<table class="grid"><thead><tr><th>time</th><th>kind</th><th>status</th><th>natural key</th><th>outcome</th><th>event id</th></tr></thead>
<tbody id="feed-rows">${feedRows(items)}</tbody></table>
${items.length === 0 ? html`<p class="empty" id="feed-empty">nothing yet: send a webhook (<code>npx webhooks send --fixture call-status-flat-answered</code>)</p>` : ''}
</section>`;
}
