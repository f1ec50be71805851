import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadServerlessConfig, type LocalDefinitions, type LocalFunction } from '../../local/serverless-config';

const SERVERLESS_YML = fileURLToPath(new URL('../../serverless.yml', import.meta.url));
const STAGE = 'x';

function fn(config: LocalDefinitions, name: string): LocalFunction {
  const found = config.functions.find((f) => f.name === name);
  assert.ok(found, `function ${name} is declared`);
  return found;
}

describe('loadServerlessConfig on serverless.yml', () => {
  let config: LocalDefinitions;
  before(() => {
    config = loadServerlessConfig(SERVERLESS_YML, STAGE);
  });

  it('reads the service and the stage it was given', () => {
    assert.equal(config.service, 'signalwire-webhooks');
    assert.equal(config.stage, STAGE);
    assert.equal(config.environment.STAGE, STAGE);
  });

  it('declares the ingest and worker functions with their handler modules', () => {
    const ingest = fn(config, 'ingest');
    const worker = fn(config, 'worker');
    assert.deepEqual([ingest.module, ingest.exportName], ['functions/ingest', 'handler']);
    assert.deepEqual([worker.module, worker.exportName], ['functions/worker', 'handler']);
  });

  it('routes the webhook paths to ingest as POSTs, the literal and the {event} video routes both', () => {
    // given the routes SignalWire is pointed at (more may be added)
    const expected = ['/call-status', '/incoming-sms', '/message-status', '/video/events', '/video/{event}'];
    // when
    const routes = fn(config, 'ingest').httpRoutes;
    // then
    for (const path of expected) {
      assert.ok(
        routes.some((route) => route.method === 'POST' && route.path === path),
        `POST ${path} is routed`,
      );
    }
    assert.equal(
      new Set(routes.map((route) => `${route.method} ${route.path}`)).size,
      routes.length,
      'no route declared twice',
    );
  });

  it('feeds the worker from WebhookQueue with partial batch failures', () => {
    const { sqs, httpRoutes } = fn(config, 'worker');
    assert.ok(sqs, 'worker has an sqs event');
    assert.equal(sqs.queueLogicalId, 'WebhookQueue');
    assert.equal(sqs.reportBatchItemFailures, true);
    assert.ok(
      Number.isInteger(sqs.batchSize) && sqs.batchSize >= 1 && sqs.batchSize <= 10,
      `batchSize ${sqs.batchSize}`,
    );
    assert.deepEqual(httpRoutes, []);
    assert.equal(fn(config, 'ingest').sqs, undefined);
  });

  it('resolves self: and sls:stage variables, keeping numbers numbers', () => {
    // given custom.maxReceiveCount: 5, referenced as a whole value
    const queue = config.resources.WebhookQueue!;
    const redrive = queue.Properties.RedrivePolicy as Record<string, unknown>;
    // then
    assert.equal(redrive.maxReceiveCount, 5);
    assert.equal(fn(config, 'worker').environment.MAX_RECEIVE_COUNT, 5);
    assert.equal(typeof queue.Properties.VisibilityTimeout, 'number');
    assert.match(String(queue.Properties.QueueName), new RegExp(`-${STAGE}-`));
    assert.equal(queue.Properties.QueueName, `signalwire-webhooks-${STAGE}-webhooks`);
    // the worker's timeout is `${self:custom.workerTimeoutSeconds}`: the number in custom, not a string
    const custom = (parse(readFileSync(SERVERLESS_YML, 'utf8')) as { custom: Record<string, unknown> }).custom;
    assert.equal(typeof custom.workerTimeoutSeconds, 'number');
    assert.equal(fn(config, 'worker').timeoutSeconds, custom.workerTimeoutSeconds);
    assert.equal(queue.Properties.VisibilityTimeout, custom.queueVisibilityTimeoutSeconds);
    // the worker caps its retries' backoff below the queue's visibility timeout: it is told the same number
    assert.equal(fn(config, 'worker').environment.QUEUE_VISIBILITY_TIMEOUT_SECONDS, queue.Properties.VisibilityTimeout);
  });

  it('leaves no ${...} variable unresolved anywhere', () => {
    assert.doesNotMatch(JSON.stringify(config), /\$\{/);
  });

  it('leaves CloudFormation intrinsics to the caller', () => {
    assert.deepEqual(fn(config, 'ingest').environment.QUEUE_URL, { Ref: 'WebhookQueue' });
    const redrive = config.resources.WebhookQueue!.Properties.RedrivePolicy as Record<string, unknown>;
    assert.deepEqual(redrive.deadLetterTargetArn, { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
  });

  it('uses the stage it is given, not the default', () => {
    const other = loadServerlessConfig(SERVERLESS_YML, 'other-stage');
    assert.equal(other.resources.WebhookQueue!.Properties.QueueName, 'signalwire-webhooks-other-stage-webhooks');
  });
});

describe('loadServerlessConfig on a hand-written file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serverless-config-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function writeYaml(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('throws naming a variable it cannot resolve', () => {
    // given a reference to a custom value that is not there
    const file = writeYaml(
      'missing.yml',
      [
        'service: s',
        'custom:',
        '  known: 1',
        'provider:',
        '  name: aws',
        '  environment:',
        '    TABLE: ${self:custom.notThere}',
        '',
      ].join('\n'),
    );
    // when / then
    assert.throws(() => loadServerlessConfig(file, STAGE), /\$\{self:custom\.notThere\}/);
  });

  it('throws naming an unsupported variable source inside a longer string', () => {
    const file = writeYaml(
      'ssm.yml',
      ['service: s', 'provider:', '  environment:', '    KEY: prefix-${ssm:/my/param}-suffix', ''].join('\n'),
    );
    assert.throws(() => loadServerlessConfig(file, STAGE), /\$\{ssm:\/my\/param\}/);
  });

  it('uses a quoted fallback when the source is absent', () => {
    // given
    const file = writeYaml(
      'fallback.yml',
      [
        'service: s',
        'provider:',
        '  environment:',
        "    LEVEL: ${self:custom.level, 'debug'}",
        '    NAME: ${self:service}-${sls:stage}',
        '',
      ].join('\n'),
    );
    // when
    const config = loadServerlessConfig(file, STAGE);
    // then
    assert.deepEqual(config.environment, { LEVEL: 'debug', NAME: `s-${STAGE}` });
  });

  it('resolves a variable whose value is itself a variable', () => {
    const file = writeYaml(
      'chain.yml',
      [
        'service: s',
        'custom:',
        '  a: ${self:custom.b}',
        '  b: ${sls:stage}-b',
        'provider:',
        '  environment:',
        '    A: ${self:custom.a}',
        '',
      ].join('\n'),
    );
    assert.equal(loadServerlessConfig(file, STAGE).environment.A, `${STAGE}-b`);
  });

  it('refuses an sqs event whose arn is not Fn::GetAtt of a queue', () => {
    const file = writeYaml(
      'arn.yml',
      [
        'service: s',
        'functions:',
        '  w:',
        '    handler: functions/w.handler',
        '    events:',
        '      - sqs:',
        '          arn: arn:aws:sqs:us-east-1:1:q',
        '',
      ].join('\n'),
    );
    assert.throws(() => loadServerlessConfig(file, STAGE), /Fn::GetAtt/);
  });

  it('reads schedule events: an expression, or rate lists with enabled, name and input', () => {
    const file = writeYaml(
      'schedule.yml',
      [
        'service: s',
        'params:',
        '  default:',
        '    every: rate(5 minutes)',
        'functions:',
        '  r:',
        '    handler: functions/r.handler',
        '    events:',
        '      - schedule: rate(1 hour)',
        '      - schedule:',
        '          rate:',
        '            - ${param:every}',
        '          name: s-${sls:stage}-every',
        '          enabled: false',
        '          input: { full: true }',
        '  w:',
        '    handler: functions/w.handler',
        '',
      ].join('\n'),
    );
    const config = loadServerlessConfig(file, STAGE);
    assert.deepEqual(fn(config, 'r').schedules, [
      { expression: 'rate(1 hour)', ruleName: `s-${STAGE}-r-schedule-1`, enabled: true },
      { expression: 'rate(5 minutes)', ruleName: `s-${STAGE}-every`, enabled: false, input: { full: true } },
    ]);
    assert.deepEqual(fn(config, 'w').schedules, []);
  });
});
