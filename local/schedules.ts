import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';

/** One `schedule` event of a function in serverless.yml: an EventBridge rule that invokes it on a rate. */
export interface LocalSchedule {
  /** The schedule expression as written, e.g. `rate(5 minutes)` (`cron(...)` is kept, but not run locally). */
  expression: string;
  /** The rule's name: serverless.yml's `name`, else `<service>-<stage>-<function>-schedule-<n>`. */
  ruleName: string;
  /** `enabled: false` deploys the rule disabled: it is not run locally either. */
  enabled: boolean;
  /** `input`: the event EventBridge passes instead of the Scheduled Event. */
  input?: unknown;
}

/** The account id of the local stack's ARNs. */
export const LOCAL_ACCOUNT = '000000000000';

/** A schedule rule's ARN in the local stack. */
export const localRuleArn = (region: string, ruleName: string) =>
  `arn:aws:events:${region}:${LOCAL_ACCOUNT}:rule/${ruleName}`;

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** `rate(5 minutes)`, `rate(1 minute)`, `rate(2 hours)`, `rate(1 day)` in ms; undefined for anything else (cron). */
export function rateMs(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value > 0 ? value * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

/** The event an EventBridge schedule rule hands its target (unless the rule gives an `input`). */
export function scheduledEvent(
  ruleArn: string,
  region: string,
  account: string,
  now: Date = new Date(),
): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    // EventBridge's times have whole seconds: 2026-12-07T10:00:00Z
    time: `${now.toISOString().slice(0, 19)}Z`,
    region,
    resources: [ruleArn],
    detail: {},
  };
}

interface ScheduledFunction {
  name: string;
  schedules: LocalSchedule[];
}

interface ScheduleRunner {
  /** Runs an invocation of `name`, counted as running until it settles: a tick of its schedule waits for none. */
  track<T>(name: string, invocation: () => Promise<T>): Promise<T>;
  /** No tick after this (an invocation under way finishes, or is ended by its function's stop). */
  stop(): void;
}

/**
 * EventBridge's rules for the local stack: each enabled `rate(...)` schedule invokes its function every period (the
 * first one period after start, as a new rule does), with the Scheduled Event shape and the rule's ARN. A tick is
 * skipped while an invocation of the same function (scheduled or on demand) is still running, so runs of one
 * function never overlap locally. `cron(...)` schedules are not run locally: reported once through `onError`.
 */
export function startSchedules(
  functions: ScheduledFunction[],
  options: {
    /** Off: no tick ever (the tests' default); `track` still counts the on-demand invocations. */
    enabled: boolean;
    /** Overrides every schedule's period (a test of the schedule itself). */
    everyMs?: number;
    invoke(name: string, event: unknown): Promise<unknown>;
    region: string;
    onError?(error: unknown): void;
  },
): ScheduleRunner {
  const inFlight = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const track = <T>(name: string, invocation: () => Promise<T>): Promise<T> => {
    inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
    const done = () => inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
    try {
      return invocation().finally(done);
    } catch (error) {
      done();
      throw error;
    }
  };
  for (const fn of options.enabled ? functions : []) {
    for (const schedule of fn.schedules.filter((s) => s.enabled)) {
      const period = options.everyMs ?? rateMs(schedule.expression);
      if (period === undefined) {
        options.onError?.(
          new Error(`local stack: ${fn.name}'s schedule ${schedule.expression} is not run locally (rate(...) only)`),
        );
        continue;
      }
      const ruleArn = localRuleArn(options.region, schedule.ruleName);
      const tick = () => {
        if (stopped || (inFlight.get(fn.name) ?? 0) > 0) return;
        const event = schedule.input ?? scheduledEvent(ruleArn, options.region, LOCAL_ACCOUNT);
        track(fn.name, () => options.invoke(fn.name, event)).catch((error: unknown) => {
          if (!stopped) options.onError?.(new Error(`scheduled ${fn.name} (${schedule.expression}): ${String(error)}`));
        });
      };
      timers.push(setInterval(tick, period));
    }
  }
  return {
    track,
    stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
    },
  };
}
