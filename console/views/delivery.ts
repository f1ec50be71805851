import type { ArchiveEntry } from '../../lib/archive/archive-entry';
import type { DeliveredEvent } from '../../lib/archive/delivery-events';
import type { DestinationDeliveryState } from '../../lib/store/destination-delivery-store';
import { clock, html, type Html } from '../html';
import { recordLink } from './feed';
import { facts } from './records';

/** One destination's state of an event, in words: retrying says when the next try is, a failure its last status. */
function destinationState(state: DestinationDeliveryState): Html {
  const last =
    state.last_status === undefined
      ? ''
      : typeof state.last_status === 'number'
        ? `HTTP ${state.last_status}`
        : state.last_status;
  const tries = `${state.attempts} ${state.attempts === 1 ? 'try' : 'tries'}`;
  const detail =
    state.status === 'retrying'
      ? html`, next attempt ${state.next_attempt_at ? html`at <span class="time" title="${state.next_attempt_at}">${clock(state.next_attempt_at)}</span>` : 'after the queue visibility timeout'}`
      : '';
  const why = state.status === 'delivered' ? '' : state.last_error;
  return html`<li data-destination="${state.destination}"><strong>${state.destination}</strong> <span class="status ${state.status}">${state.status}</span>${detail} <span class="muted">· ${[last, tries].filter(Boolean).join(' · ')}${why ? html` · ${why}` : ''}</span></li>`;
}

function eventRow(event: DeliveredEvent): Html {
  return html`<tr data-event="${event.id}">
<td>${event.type}</td>
<td class="id">${event.id}</td>
<td>${event.subject ?? html`<span class="muted">–</span>`}</td>
<td><span class="status applied" title="on the stage's EventBridge bus">${event.bus}</span></td>
<td>${
    event.destinations.length === 0
      ? html`<span class="muted">none tried yet (or none wants this type)</span>`
      : html`<ul class="destinations">${event.destinations.map(destinationState)}</ul>`
  }</td>
</tr>`;
}

/**
 * One archived delivery: what became of it and, for each event its changes produced, that it is on the bus and where
 * each destination stands (the page is read again on each visit; `webhooks events show` tells the same).
 */
export function deliveryDetail(entry: ArchiveEntry, events: DeliveredEvent[]): Html {
  return html`<section id="delivery-detail">
<h2>Delivery <span class="id">${entry.event_id}</span></h2>
${facts([
  ['kind', entry.kind],
  ['status', html`<span class="status ${entry.status}">${entry.status}</span>`],
  ['outcome', entry.outcome],
  ['reason', entry.reason],
  ['natural key', recordLink(entry.natural_key)],
  ['attempts', entry.attempts],
  ['route', entry.route],
  ['received at', entry.received_at],
  ['processed at', entry.processed_at],
  ['replay of', entry.replay_of],
])}
<h3>Events <small class="muted">what its changes produced, and where each went</small></h3>
${
  events.length === 0
    ? html`<p class="empty" id="delivery-no-events">none: it changed nothing that is published</p>`
    : html`<table class="grid" id="delivery-events"><thead><tr><th>type</th><th>event id</th><th>subject</th><th>bus</th><th>destinations</th></tr></thead>
<tbody>${events.map(eventRow)}</tbody></table>`
}
<h3>As received</h3>
<pre class="body">${entry.body}</pre>
</section>`;
}
