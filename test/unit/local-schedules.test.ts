import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localRuleArn, rateMs, scheduledEvent, startSchedules } from '../../local/schedules';
import { waitFor } from '../helpers/wait';

describe('local schedules (EventBridge rules for the local stack)', () => {
  it('reads rate expressions in every unit, singular and plural; not cron', () => {
    assert.equal(rateMs('rate(5 minutes)'), 300_000);
    assert.equal(rateMs('rate(1 minute)'), 60_000);
    assert.equal(rateMs('rate(2 hours)'), 7_200_000);
    assert.equal(rateMs('rate(1 day)'), 86_400_000);
    assert.equal(rateMs('rate(0 minutes)'), undefined);
    assert.equal(rateMs('cron(0/5 * * * ? *)'), undefined);
  });

  it('hands the Scheduled Event EventBridge sends: the rule in resources, a time in whole seconds', () => {
    const arn = localRuleArn('us-east-1', 'svc-local-reconcile');
    const event = scheduledEvent(arn, 'us-east-1', '000000000000', new Date('2026-12-07T10:05:00.123Z'));
    assert.match(event.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...event, id: 'x' },
      {
        version: '0',
        id: 'x',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: '2026-12-07T10:05:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:000000000000:rule/svc-local-reconcile'],
        detail: {},
      },
    );
  });

  it('invokes on its period, never while an invocation of the same function still runs', async () => {
    // given a function whose invocations take 5 periods
    const events: unknown[] = [];
    let running = 0;
    let overlapped = false;
    const runner = startSchedules(
      [{ name: 'reconciler', schedules: [{ expression: 'rate(5 minutes)', ruleName: 'r', enabled: true }] }],
      {
        enabled: true,
        everyMs: 20,
        region: 'us-east-1',
        invoke: async (_name, event) => {
          running++;
          overlapped ||= running > 1;
          events.push(event);
          await new Promise((resolve) => setTimeout(resolve, 100));
          running--;
        },
      },
    );
    try {
      // when three have run
      await waitFor(async () => events.length >= 3 || undefined, 5_000, 'three scheduled invocations');
      // then none overlapped, each had the rule's event
      assert.equal(overlapped, false);
      assert.deepEqual(
        events.map((e) => (e as { resources: string[] }).resources),
        events.map(() => ['arn:aws:events:us-east-1:000000000000:rule/r']),
      );
    } finally {
      runner.stop();
    }
  });

  it('waits for an on-demand invocation too, runs nothing when off, disabled or stopped', async () => {
    const calls: string[] = [];
    const invoke = async (name: string) => {
      calls.push(name);
    };
    const off = startSchedules(
      [{ name: 'a', schedules: [{ expression: 'rate(1 minute)', ruleName: 'a', enabled: true }] }],
      { enabled: false, everyMs: 5, region: 'us-east-1', invoke },
    );
    const disabled = startSchedules(
      [{ name: 'b', schedules: [{ expression: 'rate(1 minute)', ruleName: 'b', enabled: false }] }],
      { enabled: true, everyMs: 5, region: 'us-east-1', invoke },
    );
    const on = startSchedules(
      [{ name: 'c', schedules: [{ expression: 'rate(1 minute)', ruleName: 'c', enabled: true }] }],
      { enabled: true, everyMs: 5, region: 'us-east-1', invoke },
    );
    // an on-demand invocation of c holds its schedule back while it runs
    let release = () => {};
    const manual = on.track('c', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls.length, 0, 'no tick while the manual run holds it');
    release();
    await manual;
    await waitFor(async () => calls.length > 0 || undefined, 5_000, 'c scheduled once its manual run ended');
    for (const runner of [off, disabled, on]) runner.stop();
    const seen = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls.length, seen, 'nothing after stop');
    assert.ok(
      calls.every((name) => name === 'c'),
      calls.join(),
    );
  });

  it('reports a cron schedule as not run locally, and runs the rest', () => {
    const errors: string[] = [];
    const runner = startSchedules(
      [{ name: 'a', schedules: [{ expression: 'cron(0 * * * ? *)', ruleName: 'a', enabled: true }] }],
      { enabled: true, region: 'us-east-1', invoke: async () => undefined, onError: (e) => errors.push(String(e)) },
    );
    runner.stop();
    assert.deepEqual(errors, [
      "Error: local stack: a's schedule cron(0 * * * ? *) is not run locally (rate(...) only)",
    ]);
  });
});
