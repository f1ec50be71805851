import type { DeadLetter, RedriveReport } from '../../lib/dlq/dead-letters';
import type { MoveReport } from '../../lib/dlq/redrive-all';
import { html, type Html } from '../html';

/** The DLQ with each letter's reason; Redrive and Replay ask for confirmation (hx-confirm) before they act. */
export function dlqSection(letters: DeadLetter[], notice?: string): Html {
  const rows = letters.map(
    (
      d,
    ) => html`<tr data-message-id="${d.message_id}"><td class="id">${d.message_id}</td><td>${d.kind ?? '?'}</td><td>${d.failure_reason}</td><td>${d.failure_category ?? ''}</td><td>${d.attempts ?? ''}</td><td class="time">${d.failed_at ?? ''}</td>
<td><button class="redrive" hx-post="/dlq/redrive" hx-vals='${JSON.stringify({ id: d.message_id })}' hx-target="#dlq" hx-swap="outerHTML" hx-confirm="Re-send this delivery to the queue and delete it from the DLQ?">Redrive</button>
<button class="replay" hx-post="/dlq/replay" hx-vals='${JSON.stringify({ id: d.message_id })}' hx-target="#dlq" hx-swap="outerHTML" hx-confirm="Queue a copy of this delivery (the original stays in the DLQ)?">Replay</button></td></tr>`,
  );
  return html`<section id="dlq">
<h2>Dead letters <small class="muted">what can never succeed, with the reason</small></h2>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<div class="toolbar"><button hx-get="/dlq" hx-target="#dlq" hx-swap="outerHTML">Refresh</button>
${letters.length > 0 ? html`<button class="primary redrive-all" hx-post="/dlq/redrive" hx-target="#dlq" hx-swap="outerHTML" hx-confirm="Re-send all ${letters.length} dead letters to the queue?">Redrive all</button>` : ''}</div>
<table class="grid"><thead><tr><th>message id</th><th>kind</th><th>reason</th><th>category</th><th>attempts</th><th>failed at</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>
${letters.length === 0 ? html`<p class="empty" id="dlq-empty">The DLQ is empty.</p>` : ''}
</section>`;
}

export function redriveNotice(report: RedriveReport | MoveReport): string {
  if ('move_task' in report) {
    const task = report.move_task;
    return `move task ${task.status.toLowerCase()}: ${task.messages_moved} redriven${task.failure_reason ? `, ${task.failure_reason}` : ''}`;
  }
  const parts = [`${report.redriven.length} redriven`];
  if (report.redriven_not_deleted.length > 0)
    parts.push(`${report.redriven_not_deleted.length} re-sent but not deleted`);
  if (report.failed.length > 0) parts.push(`${report.failed.length} failed: ${report.failed[0]!.error}`);
  return parts.join(', ');
}
