import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { packageTemplate, printConfig, type Packaged } from './package-template';

/** The packaged template keeps history and failed events, bounds message size, and keeps readable logs for a while. */
describe('serverless package: data safety, message size, logs and stage parameters', () => {
  let packaged: Packaged;
  let resources: Packaged['template']['Resources'];
  before(async () => {
    packaged = await packageTemplate();
    resources = packaged.template.Resources;
  });
  after(() => packaged?.dispose());

  it('retains the events table, the recordings bucket and the DLQs on `serverless remove` and on replacement', () => {
    for (const id of [
      'EventsTable',
      'DeadLetterQueue',
      'RecordingsBucket',
      'RecordingsDeadLetterQueue',
      'DestinationsDeadLetterQueue',
    ]) {
      assert.equal(resources[id]!.DeletionPolicy, 'Retain', id);
      assert.equal(resources[id]!.UpdateReplacePolicy, 'Retain', id);
    }
  });

  it("turns the table's deletion protection on through a parameter: off by default (this stage), on for prod", async () => {
    assert.equal(resources.EventsTable!.Properties.DeletionProtectionEnabled, false);
    const prod = await printConfig('prod');
    assert.equal(prod.resources.Resources.EventsTable.Properties.DeletionProtectionEnabled, true);
  });

  it('pins both queues at 1 MiB messages', () => {
    for (const id of ['WebhookQueue', 'DeadLetterQueue'])
      assert.equal(resources[id]!.Properties.MaximumMessageSize, 1048576, id);
  });

  it("writes HTTP API access logs as JSON to a log group with retention, and every function's log group has retention", () => {
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!.Properties;
    assert.deepEqual(stage.AccessLogSettings.DestinationArn, { 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    const format = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;
    for (const field of ['requestId', 'ip', 'route', 'status', 'integrationError'])
      assert.ok(format[field]?.startsWith('$context.'), field);
    const logGroups = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    const functions = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Lambda::Function');
    assert.deepEqual(
      logGroups.map(([id]) => id).sort(),
      ['HttpApiLogGroup', ...functions.map((id) => id.replace('LambdaFunction', 'LogGroup'))].sort(),
    );
    for (const [id, group] of logGroups) assert.equal(group.Properties.RetentionInDays, 30, id);
  });

  it("reads every deploy setting from the params block, so a deploy without --param keeps the stage's values", async () => {
    const config = await printConfig('prod', ['ipAllowlist=203.0.113.0/24']);
    const defaults = config.params.default as Record<string, unknown>;
    for (const name of [
      'ipAllowlist',
      'allowUnauthenticated',
      'publicBaseUrl',
      'redactMessageBodies',
      'signalwireSpaceUrl',
      'signalwireProjectId',
      'autoReplyKeywords',
      'notifyInboundSms',
      'notifyEmail',
      'retentionDays',
      'logRetentionInDays',
      'deletionProtection',
      'reconcileSchedule',
      'reconcileCallWindowMinutes',
      'reconcileMessageWindowMinutes',
      'reconcileGiveUpHours',
      'reconcileMaxRequests',
      'reconcileDiscover',
      'recordingsTransitionDays',
      'recordingsTransitionStorageClass',
      'recordingsExpireDays',
      'recordingsAccessLogBucket',
      'destinations',
    ]) {
      assert.ok(name in defaults, `params.default.${name}`);
    }
    // a stage's section wins over default, a --param over both
    assert.equal(config.provider.logRetentionInDays, 90);
    assert.equal(config.functions.ingest.environment.WEBHOOK_IP_ALLOWLIST, '203.0.113.0/24');
    assert.equal(config.functions.swml.environment.WEBHOOK_IP_ALLOWLIST, '203.0.113.0/24');
    assert.equal(String(config.functions.worker.environment.RETENTION_DAYS), '90');
  });

  it("builds the recordings bucket's lifecycle rule and access logs from the params: a move, an expiry, a log bucket", async () => {
    const config = await printConfig('prod', [
      'recordingsTransitionDays=30',
      'recordingsTransitionStorageClass=STANDARD_IA',
      'recordingsExpireDays=365',
      'recordingsAccessLogBucket=my-access-logs',
    ]);
    const { Conditions: conditions, Resources: resources } = config.resources;
    // compared as text, whether a stage's section gives a number or a --param a string
    assert.deepEqual(conditions.HasRecordingsTransition, { 'Fn::Not': [{ 'Fn::Equals': ['days 30', 'days 0'] }] });
    assert.deepEqual(conditions.HasRecordingsExpiry, { 'Fn::Not': [{ 'Fn::Equals': ['days 365', 'days 0'] }] });
    assert.deepEqual(conditions.HasRecordingsAccessLog, { 'Fn::Not': [{ 'Fn::Equals': ['my-access-logs', ''] }] });
    const bucket = resources.RecordingsBucket.Properties;
    const rule = bucket.LifecycleConfiguration.Rules[1]['Fn::If'][1];
    assert.deepEqual(rule.Transitions['Fn::If'][1], [{ StorageClass: 'STANDARD_IA', TransitionInDays: '30' }]);
    assert.equal(rule.ExpirationInDays['Fn::If'][1], '365');
    assert.deepEqual(bucket.LoggingConfiguration['Fn::If'][1], {
      DestinationBucketName: 'my-access-logs',
      LogFilePrefix: 'signalwire-webhooks-prod-recordings/',
    });
  });
});
