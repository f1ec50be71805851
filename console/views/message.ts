import type { MessageRecord } from '../../lib/messages/message-record';
import { statusRank } from '../../lib/messages/message-status';
import { stepChart } from '../charts/step-chart';
import { html, type Html } from '../html';
import { costFacts, facts } from './records';

// The chart's y axis: the lifecycle, terminal outcomes last.
const STATUSES = ['queued', 'receiving', 'initiated', 'sent', 'received', 'delivered', 'undelivered', 'failed'];

type AutoReply = { keyword: unknown; status: string; reply_sid: unknown; reason: unknown; attempts: number } | null;

/** A message with its delivery status over time and, for an inbound one, its auto-reply's state. */
export function messageDetail(message: MessageRecord & { auto_reply?: AutoReply }): Html {
  const points = message.timeline.map((t) => ({
    at: Date.parse(t.at),
    value: Math.max(0, STATUSES.indexOf(t.status)),
  }));
  const reply = message.auto_reply;
  return html`<section id="message-detail">
<h2>Message <span class="id">${message.message_id}</span></h2>
${facts([
  ['direction', message.direction],
  ['status', message.status],
  ['from → to', `${message.from ?? '?'} → ${message.to ?? '?'}`],
  ['body', message.body],
  ['error', message.error_code ? `${message.error_code} ${message.error_message ?? ''}` : null],
  ['in reply to', message.in_reply_to],
  ...costFacts(message, message.status !== null && statusRank(message.status) >= statusRank('sent')),
])}
${
  message.direction === 'inbound'
    ? html`<h3>Auto-reply</h3>${
        reply
          ? facts([
              ['keyword', String(reply.keyword ?? '')],
              ['state', html`<span class="status">${reply.status}</span>`],
              ['reply sid', String(reply.reply_sid ?? '')],
              ['reason', String(reply.reason ?? '')],
              ['attempts', reply.attempts],
            ])
          : html`<p class="muted">no keyword: no reply</p>`
      }`
    : ''
}
<h3>Status timeline</h3>
${stepChart({ title: `message ${message.message_id} status over time`, points, yLabels: STATUSES })}
<table class="grid"><thead><tr><th>status</th><th>at (UTC)</th></tr></thead>
<tbody>${message.timeline.map((t) => html`<tr><td>${t.status}</td><td class="time">${t.at}</td></tr>`)}</tbody></table>
</section>`;
}
