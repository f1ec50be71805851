import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chaosOptions } from '../../chaos/config';
import { runChaos } from '../../chaos/harness';

/**
 * The chaos harness (chaos/, `npm run chaos`) at a small scale: about 300 signed deliveries, a fifth duplicated and
 * shuffled, through the local stack with every fault on (connection resets, AWS-shaped 5xx and throttling, latency
 * beyond the SDK timeouts, responses dropped after the request took effect) in front of SQS, DynamoDB, SSM, SNS, S3,
 * the SignalWire API and the recording server, the worker process SIGKILLed mid-batch, a share of the call and
 * message status callbacks given up on by the sender, which the scheduled reconciler restores from the stand-in
 * SignalWire (with 429s), and the rooms' recordings (one of them 404) copied into the bucket, a download cut part-way.
 * CHAOS_SEED replays a run.
 */
describe('chaos: nothing acknowledged is lost or applied twice (local stack, real faults, killed worker)', () => {
  it('keeps every acknowledged delivery exactly once in effect, or in the DLQ with its reason', async () => {
    const lines: string[] = [];
    const options = chaosOptions(
      {
        CHAOS_N: '300',
        CHAOS_SEED: process.env.CHAOS_SEED ?? '11',
        CHAOS_KILL_MS: '8000',
        CHAOS_CONCURRENCY: '12',
        CHAOS_DROP_RATE: '0.2',
        CHAOS_RECONCILE_MS: '1000',
      },
      (line) => lines.push(line),
    );
    // Shorter than `npm run chaos` (the same relations: visibility >= worker timeout < lease), so the test stays short.
    const results = await runChaos({
      ...options,
      visibilityTimeoutSeconds: 8,
      workerTimeoutMs: 8000,
      replyLeaseSeconds: 10,
      drainTimeoutMs: 120_000,
      killsEndWithSending: true,
      // SignalWire prices sooner, so the reconciler's last reports come within a few seconds of the last delivery.
      priceAfterMs: [500, 2500],
      restoreTimeoutMs: 60_000,
    });
    const report = `seed ${options.seed}\n${lines.join('\n')}\n${results.problems.map((p) => `${p.kind}: ${p.detail}`).join('\n')}`;
    // the faults really happened
    for (const kind of ['reset', 'server_error', 'throttle', 'latency', 'response_dropped', 'worker_killed']) {
      assert.ok((results.faults[kind] ?? 0) > 0, `no ${kind} fault was injected\n${report}`);
    }
    assert.ok(results.acked > 250, report);
    const reconcile = results.reconcile as { runs: number; stand_in_429s: number; final_states_restored: number };
    assert.ok(results.dropped_by_sender > 0, `nothing was dropped by the sender\n${report}`);
    assert.ok(reconcile.stand_in_429s > 0, `the stand-in answered no 429\n${report}`);
    // the reconciler restored what the dropped webhooks would have said, final states included, within the run
    assert.ok(results.restored_by_reconciler > 0, report);
    assert.ok(reconcile.final_states_restored > 0, report);
    assert.notEqual(results.restored_after_last_drop_s, null, report);
    // and the guarantee held
    assert.equal(results.lost, 0, report);
    assert.equal(results.double_applied, 0, report);
    assert.equal(results.wrong_final_states, 0, report);
    assert.equal(results.replies_sent, results.replies_expected, report);
    assert.ok(results.replies_expected > 0, report);
    // the events: every applied change's event reached the bus through its fault proxy, with its id; none invalid
    const { events } = results;
    assert.ok(events.expected > 200, `${JSON.stringify(events)}\n${report}`);
    assert.ok(events.bus_faults > 0, `no fault in front of the bus\n${report}`);
    assert.equal(events.lost, 0, report);
    assert.equal(events.unexpected, 0, report);
    assert.equal(events.invalid, 0, report);
    // and at the destination, behind its own fault proxy: each received and verified, or dead-lettered with a reason
    assert.ok(events.destination.faults > 0, `no fault in front of the destination\n${report}`);
    assert.equal(events.destination.lost, 0, report);
    assert.equal(events.destination.bad_signatures, 0, report);
    assert.ok(events.destination.delivered > 200, `${JSON.stringify(events.destination)}\n${report}`);
    // the recordings: each completed one copied once and whole, the 404 one dead-lettered as not found, a download cut
    const recordings = results.recordings;
    assert.ok(recordings.downloads_cut > 0, `no download was cut\n${report}`);
    assert.ok(recordings.copied > 0, report);
    assert.ok(recordings.dead_lettered_not_found > 0, report);
    assert.equal(
      recordings.copied + recordings.dead_lettered + recordings.not_requested - recordings.dead_letters_of_copied,
      recordings.completed,
      report,
    );
  });
});
