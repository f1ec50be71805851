import type { ChaosResults } from './oracle/check';

/** The run as an aligned two-column table. */
export function formatTable(results: ChaosResults): string {
  const details = results.details as {
    dead_letters: { invalid: number; exhausted: number; reconcile_reports: number };
    notifications: { published: number; expected: number };
    acked_per_second: number;
    duplicates_sent: number;
    retried_by_sender: number;
  };
  const reconcile = results.reconcile as {
    dropped_sends: number;
    records_with_drops: number;
    final_states_restored: number;
    records_reconciled: number;
    unreachable: number;
    runs: number;
    failed_runs: number;
    requests: number;
    reports_sent: number;
    rate_limited: number;
    stand_in_429s: number;
  };
  const rec = results.recordings;
  const rows: [string, string | number][] = [
    ['sent (duplicates included)', results.sent],
    ['  of which duplicates', details.duplicates_sent],
    ['acked (200)', results.acked],
    ['rejected (no 2xx in 5 tries)', results.rejected],
    [
      'dropped by the sender (gave up)',
      `${results.dropped_by_sender} deliveries (${reconcile.dropped_sends} sends), ${reconcile.records_with_drops} records`,
    ],
    ['retried by the sender', details.retried_by_sender],
    ['lost', results.lost],
    ['double_applied', results.double_applied],
    ['wrong_final_states', results.wrong_final_states],
    ['replies expected / sent', `${results.replies_expected} / ${results.replies_sent}`],
    ['notifications expected / published', `${details.notifications.expected} / ${details.notifications.published}`],
    [
      'dead-lettered (invalid / exhausted / reconcile reports)',
      `${results.dead_lettered} (${details.dead_letters.invalid} / ${details.dead_letters.exhausted} / ${details.dead_letters.reconcile_reports})`,
    ],
    [
      'restored by the reconciler',
      `${results.restored_by_reconciler} / ${reconcile.records_with_drops} records (${reconcile.final_states_restored} final states; ${reconcile.unreachable} never reached us)`,
    ],
    [
      'last drop to all restored',
      results.restored_after_last_drop_s === null ? 'NOT within the run' : `${results.restored_after_last_drop_s} s`,
    ],
    ['reconciler runs (failed) / requests', `${reconcile.runs} (${reconcile.failed_runs}) / ${reconcile.requests}`],
    ['reconcile reports sent / records changed', `${reconcile.reports_sent} / ${reconcile.records_reconciled}`],
    ['429s: stand-in answered / reconciler saw', `${reconcile.stand_in_429s} / ${reconcile.rate_limited}`],
    ['recordings completed (of which 404 URLs)', `${rec.completed} (${rec.completed_not_found})`],
    ['recordings copied, once and whole', `${rec.copied} (${(rec.bytes_copied / 1e6).toFixed(1)} MB)`],
    [
      'recordings dead-lettered (404 / exhausted)',
      `${rec.dead_lettered} (${rec.dead_lettered_not_found} / ${rec.dead_lettered_exhausted})`,
    ],
    [
      'recording downloads started / completed / cut',
      `${rec.downloads_started} / ${rec.downloads_completed} / ${rec.downloads_cut}`,
    ],
    ['S3 uploads completed / answered', `${rec.uploads_completed} / ${rec.uploads_answered}`],
    ['faults: S3 / recording server', `${rec.s3_faults} / ${rec.recording_server_faults}`],
    [
      'events expected / published on the bus',
      `${results.events.expected} / ${results.events.published} (${results.events.bus_faults} bus faults)`,
    ],
    [
      'events lost / duplicates / unexpected / invalid / in the DLQ',
      `${results.events.lost} / ${results.events.duplicates} / ${results.events.unexpected} / ${results.events.invalid} / ${results.events.in_dead_letters}`,
    ],
    [
      'destination: events delivered / requests',
      `${results.events.destination.delivered} / ${results.events.destination.received} (${results.events.destination.faults} faults)`,
    ],
    [
      'destination: lost / duplicates / bad signatures / dead-lettered',
      `${results.events.destination.lost} / ${results.events.destination.duplicates} / ${results.events.destination.bad_signatures} / ${results.events.destination.dead_lettered}`,
    ],
    ['acked per second', details.acked_per_second],
    ['duration', `${results.duration_s} s`],
    ...Object.entries(results.faults).map(([kind, n]): [string, number] => [`fault: ${kind}`, n]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
