import { s3Location } from '../../lib/recordings/recording-key';
import type { RoomRecording, RoomSession } from '../../lib/video/room-session';
import { stepChart } from '../charts/step-chart';
import { html, type Html } from '../html';
import { facts } from './records';

/** The member count over time, rebuilt from each member's join and leave times. */
export function memberCountPoints(room: RoomSession): { at: number; value: number }[] {
  const changes: { at: number; delta: number }[] = [];
  for (const m of room.members) {
    // A leave seen before its join never counted (lib/video): only members with a join count, from join to leave.
    if (m.joined_at === null) continue;
    changes.push({ at: Date.parse(m.joined_at), delta: 1 });
    if (m.left_at !== null) changes.push({ at: Date.parse(m.left_at), delta: -1 });
  }
  changes.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const points = room.started_at !== null ? [{ at: Date.parse(room.started_at), value: 0 }] : [];
  let count = 0;
  for (const c of changes) {
    count = Math.max(0, count + c.delta);
    points.push({ at: c.at, value: count });
  }
  return points;
}

/**
 * A recording's file: its copy in the stage's bucket, linked through the console (`/recordings/<id>` redirects to a
 * fresh pre-signed URL, so the page holds no URL that outlives it) with its size, checksum and copy time; before the
 * copy, SignalWire's URL, and `copying…` once the recording has completed.
 */
export function recordingCopyCells(r: RoomRecording): Html {
  if (r.s3_bucket !== null && r.s3_key !== null)
    return html`<td><a class="recording-copy" href="/recordings/${encodeURIComponent(r.id)}" target="_blank" rel="noopener noreferrer" title="${s3Location(r.s3_bucket, r.s3_key)}">download</a></td>
<td title="${r.size === null ? '' : `${r.size} bytes`}">${r.size === null ? '–' : megabytes(r.size)}</td><td><code title="${r.sha256 ?? ''}">${r.sha256 === null ? '–' : `${r.sha256.slice(0, 12)}…`}</code></td><td class="time">${r.copied_at ?? '–'}</td>`;
  const signalWire = r.url ? html`<a href="${r.url}" target="_blank" rel="noopener noreferrer">SignalWire's</a>` : '–';
  const pending = r.state === 'completed' && r.url ? html`<span class="muted">copying…</span> ` : '';
  return html`<td>${pending}${signalWire}</td><td>–</td><td>–</td><td class="time">–</td>`;
}

function megabytes(bytes: number): string {
  return bytes < 1_000_000 ? `${(bytes / 1000).toFixed(1)} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function roomDetail(room: RoomSession): Html {
  return html`<section id="room-detail">
<h2>Room session <span class="id">${room.room_session_id}</span></h2>
${facts([
  ['room', room.room_name ?? room.room_id],
  ['started', room.started_at],
  ['ended', room.ended_at],
  ['members now', room.member_count],
])}
<h3>Members over time</h3>
${stepChart({ title: `room ${room.room_session_id} member count`, points: memberCountPoints(room), until: room.ended_at ? Date.parse(room.ended_at) : Date.now() })}
<h3>Recordings</h3>
<table class="grid"><thead><tr><th>recording</th><th>state</th><th>duration s</th><th>completed</th><th>file</th><th>size</th><th>sha256</th><th>copied</th></tr></thead>
<tbody>${room.recordings.map(
    (r) =>
      html`<tr><td>${r.id}</td><td>${r.state}</td><td>${r.duration_seconds ?? ''}</td><td class="time">${r.completed_at ?? ''}</td>${recordingCopyCells(r)}</tr>`,
  )}</tbody></table>
<h3>Members</h3>
<table class="grid"><thead><tr><th>member</th><th>joined</th><th>left</th></tr></thead>
<tbody>${room.members.map((m) => html`<tr><td>${m.name ?? m.id}</td><td class="time">${m.joined_at ?? '–'}</td><td class="time">${m.left_at ?? '–'}</td></tr>`)}</tbody></table>
</section>`;
}
