import type { ChaosResults } from './oracle/check';

/** The run as an aligned two-column table. */
export function formatTable(results: ChaosResults): string {
  const details = results.details as {
    dead_letters: { invalid: number; exhausted: number };
    notifications: { published: number; expected: number };
    acked_per_second: number;
    duplicates_sent: number;
    retried_by_sender: number;
  };
  const rows: [string, string | number][] = [
    ['sent (duplicates included)', results.sent],
    ['  of which duplicates', details.duplicates_sent],
    ['acked (200)', results.acked],
    ['rejected (no 2xx in 5 tries)', results.rejected],
    ['retried by the sender', details.retried_by_sender],
    ['lost', results.lost],
    ['double_applied', results.double_applied],
    ['wrong_final_states', results.wrong_final_states],
    ['replies expected / sent', `${results.replies_expected} / ${results.replies_sent}`],
    ['notifications expected / published', `${details.notifications.expected} / ${details.notifications.published}`],
    [
      'dead-lettered (invalid / exhausted)',
      `${results.dead_lettered} (${details.dead_letters.invalid} / ${details.dead_letters.exhausted})`,
    ],
    ['acked per second', details.acked_per_second],
    ['duration', `${results.duration_s} s`],
    ...Object.entries(results.faults).map(([kind, n]): [string, number] => [`fault: ${kind}`, n]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
