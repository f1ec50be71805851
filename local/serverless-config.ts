import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { LocalSchedule } from './schedules';

/** One function of serverless.yml as the local stack runs it. */
export interface LocalFunction {
  name: string;
  /** `functions/ingest.handler` -> module `functions/ingest.ts`, export `handler`. */
  module: string;
  exportName: string;
  timeoutSeconds: number;
  environment: Record<string, unknown>;
  httpRoutes: { method: string; path: string }[];
  sqs?: {
    queueLogicalId: string;
    batchSize: number;
    batchWindowSeconds: number;
    maximumConcurrency: number;
    reportBatchItemFailures: boolean;
  };
  /** Its `schedule` events (EventBridge rules), each an expression such as `rate(5 minutes)`. */
  schedules: LocalSchedule[];
}

export interface LocalDefinitions {
  service: string;
  stage: string;
  environment: Record<string, unknown>;
  functions: LocalFunction[];
  resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/**
 * Reads serverless.yml for the local stack: the same routes, queues, table and function environments that
 * `serverless deploy` uses. Resolves the Framework variables this project uses (`self:`, `sls:stage`, `opt:`, `param:`);
 * CloudFormation intrinsics (`Ref`, `Fn::GetAtt`) are left for the caller, who knows the local resources.
 */
export function loadServerlessConfig(file: string, stage: string, region = 'us-east-1'): LocalDefinitions {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  const resolved = resolveVariables(raw, raw, { stage, region }) as Record<string, any>;
  const functions = Object.entries<Record<string, any>>(resolved.functions ?? {}).map(([name, fn]) =>
    toLocalFunction(name, fn, `${resolved.service}-${stage}`),
  );
  return {
    service: resolved.service,
    stage,
    environment: resolved.provider?.environment ?? {},
    functions,
    resources: resolved.resources?.Resources ?? {},
  };
}

function toLocalFunction(name: string, fn: Record<string, any>, stackName: string): LocalFunction {
  const [module, exportName] = splitHandler(fn.handler);
  const events: Record<string, any>[] = fn.events ?? [];
  const sqsEvent = events.find((e) => e.sqs)?.sqs;
  return {
    name,
    module,
    exportName,
    timeoutSeconds: Number(fn.timeout ?? 6),
    environment: fn.environment ?? {},
    httpRoutes: events
      .filter((e) => e.httpApi)
      .map((e) => ({ method: String(e.httpApi.method).toUpperCase(), path: e.httpApi.path })),
    ...(sqsEvent && {
      sqs: {
        queueLogicalId: logicalIdOf(sqsEvent.arn),
        batchSize: Number(sqsEvent.batchSize ?? 10),
        batchWindowSeconds: Number(sqsEvent.maximumBatchingWindow ?? 0),
        maximumConcurrency: Number(sqsEvent.maximumConcurrency ?? 2),
        reportBatchItemFailures: sqsEvent.functionResponseType === 'ReportBatchItemFailures',
      },
    }),
    schedules: events
      .filter((e) => e.schedule)
      .flatMap((e, n) => toSchedules(e.schedule, `${stackName}-${name}-schedule-${n + 1}`)),
  };
}

/**
 * A `schedule` event: an expression (`schedule: rate(5 minutes)`), or `{ rate: [expressions], enabled, name, input }`
 * as serverless.yml declares it (`rate` a list; one expression is accepted too).
 */
function toSchedules(schedule: unknown, defaultName: string): LocalSchedule[] {
  if (typeof schedule === 'string') return [{ expression: schedule, ruleName: defaultName, enabled: true }];
  const { rate, enabled, name, input } = schedule as Record<string, unknown>;
  const expressions = [rate].flat();
  if (expressions.length === 0 || !expressions.every((e) => typeof e === 'string'))
    throw new Error(`schedule rate must be an expression or a list of them, got ${JSON.stringify(rate)}`);
  return expressions.map((expression, i) => ({
    expression,
    ruleName: typeof name === 'string' ? name : expressions.length > 1 ? `${defaultName}-${i + 1}` : defaultName,
    enabled: enabled !== false,
    ...(input !== undefined && { input: typeof input === 'string' ? JSON.parse(input) : input }),
  }));
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function logicalIdOf(arn: unknown): string {
  const getAtt = (arn as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return String(getAtt[0]);
  throw new Error(`sqs event arn must be { Fn::GetAtt: [Queue, Arn] }, got ${JSON.stringify(arn)}`);
}

const VARIABLE = /\$\{([^{}]+)\}/g;

function resolveVariables(value: unknown, root: Record<string, any>, ctx: { stage: string; region: string }): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, root, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, root, ctx)]));
  }
  if (typeof value !== 'string') return value;
  const whole = value.match(/^\$\{([^{}]+)\}$/);
  if (whole) return resolveVariables(lookup(whole[1]!, root, ctx), root, ctx);
  return value.replace(VARIABLE, (_, expr: string) => String(resolveVariables(lookup(expr, root, ctx), root, ctx)));
}

function lookup(expr: string, root: Record<string, any>, ctx: { stage: string; region: string }): unknown {
  const [source, fallback] = expr.split(/,\s*/, 2).map((s) => s.trim());
  const unquote = (s: string | undefined) => s?.replace(/^['"]|['"]$/g, '');
  if (source === 'sls:stage' || source === 'opt:stage' || source === 'self:provider.stage') return ctx.stage;
  if (source === 'opt:region' || source === 'self:provider.region') return ctx.region;
  if (source?.startsWith('param:')) {
    // serverless.yml's `params:` block: the stage's section, then `default` (a deploy's --param does not exist here).
    const name = source.slice(6);
    const found = root.params?.[ctx.stage]?.[name] ?? root.params?.default?.[name];
    if (found !== undefined) return found;
  }
  if (source?.startsWith('self:')) {
    const found = source
      .slice(5)
      .split('.')
      .reduce<any>((node, part) => node?.[part], root);
    if (found !== undefined) return found;
  }
  if (fallback !== undefined) return unquote(fallback);
  throw new Error(`serverless.yml: cannot resolve \${${expr}} locally`);
}
