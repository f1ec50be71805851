import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from './unzip';
import { packageTemplate } from './package-template';

type Resource = { Type: string; Properties: Record<string, any> };

/** `serverless package` with no AWS credentials: the CloudFormation template a deploy would submit. */
describe('serverless package (the deployable template)', () => {
  let dir: string;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  /** The SQS event source mapping of a queue (by logical id). */
  const mappingOf = (queue: string) =>
    ofType('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] }),
    )![1].Properties;
  /** A function's bundle as `serverless package` zipped it. */
  const packagedBundle = (fn: string): Buffer => {
    const bundle = unzipSync(readFileSync(join(dir, `${fn}.zip`))).get(`functions/${fn}.mjs`);
    assert.ok(bundle, `${fn} bundle present`);
    return bundle;
  };

  let dispose: () => void;
  before(async () => {
    ({
      dir,
      dispose,
      template: { Resources: resources },
    } = await packageTemplate());
  });
  after(() => dispose?.());

  it('routes every webhook path to the ingest function on an HTTP API', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    for (const route of [
      'POST /call-status',
      'POST /incoming-sms',
      'POST /message-status',
      'POST /video/events',
      'POST /video/{event}',
    ]) {
      assert.ok(routes.includes(route), `missing route ${route}`);
    }
  });

  it('declares the queue with its redrive policy and a 14-day DLQ', () => {
    const queue = resources.WebhookQueue!.Properties;
    assert.deepEqual(queue.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    const worker = resources.WorkerLambdaFunction!.Properties;
    const mapping = mappingOf('WebhookQueue');
    // visibility = 6 x worker timeout + batching window (AWS guidance for SQS event sources)
    assert.equal(queue.VisibilityTimeout, 6 * worker.Timeout + mapping.MaximumBatchingWindowInSeconds);
    assert.equal(resources.DeadLetterQueue!.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    assert.equal(ofType('AWS::CloudWatch::Alarm').length >= 1, true);
  });

  it('feeds the worker in batches with partial batch responses and bounded concurrency', () => {
    const mapping = mappingOf('WebhookQueue');
    assert.deepEqual(mapping.FunctionName, { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] });
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.ok(mapping.ScalingConfig.MaximumConcurrency >= 2);
  });

  it("tells the worker the webhook queue and its visibility timeout, and lets it change a message's visibility there only", () => {
    const worker = resources.WorkerLambdaFunction!.Properties;
    const env = worker.Environment.Variables;
    // A failed record's backoff (lib/worker/retry-delay.ts): ChangeMessageVisibility on this queue, capped below this timeout.
    assert.deepEqual(env.QUEUE_URL, { Ref: 'WebhookQueue' });
    assert.equal(Number(env.QUEUE_VISIBILITY_TIMEOUT_SECONDS), resources.WebhookQueue!.Properties.VisibilityTimeout);
    const changes = statementsOf(resources.WorkerRole!).filter((s) =>
      [s.Action].flat().includes('sqs:ChangeMessageVisibility'),
    );
    assert.deepEqual(
      changes.map((s) => s.Resource),
      [{ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] }],
    );
  });

  it('keeps events in a table that expires records by TTL', () => {
    const table = resources.EventsTable!.Properties;
    assert.deepEqual(table.TimeToLiveSpecification, { AttributeName: 'expires_at', Enabled: true });
    assert.equal(table.BillingMode, 'PAY_PER_REQUEST');
  });

  it('indexes calls, messages, rooms and SWML fetches by kind and first-seen time, for `webhooks stats`', () => {
    const table = resources.EventsTable!.Properties;
    for (const name of ['gsi1pk', 'gsi1sk'])
      assert.ok(table.AttributeDefinitions.some((d: any) => d.AttributeName === name && d.AttributeType === 'S'));
    assert.deepEqual(table.GlobalSecondaryIndexes, [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        // only what the stats read, so other updates cost no index write
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['state', 'status', 'duration_seconds', 'direction', 'ended_at'],
        },
      },
      {
        IndexName: 'gsi2',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        // the archive's summaries (tail, replay ranges, console feed): never the bodies
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [
            'event_id',
            'kind',
            'route',
            'received_at',
            'natural_key',
            'status',
            'outcome',
            'reason',
            'attempts',
            'processed_at',
            'replay_of',
          ],
        },
      },
      {
        IndexName: 'gsi3',
        KeySchema: [
          { AttributeName: 'open_pk', KeyType: 'HASH' },
          { AttributeName: 'open_sk', KeyType: 'RANGE' },
        ],
        // the open index: what the reconciler decides by, never the whole record
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['lookup', 'state', 'status', 'first_seen_at', 'price', 'direction'],
        },
      },
    ]);
    for (const name of ['open_pk', 'open_sk'])
      assert.ok(table.AttributeDefinitions.some((d: any) => d.AttributeName === name && d.AttributeType === 'S'));
  });

  it('answers SWML fetches from a function of its own, which may read only the rules item and journal to the queue', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    for (const key of ['GET /swml', 'POST /swml']) {
      const route = routes.find((r) => r.RouteKey === key);
      assert.ok(route, `missing route ${key}`);
      assert.match(JSON.stringify(route.Target), /HttpApiIntegrationSwml/);
    }
    const fn = resources.SwmlLambdaFunction!.Properties;
    assert.ok(fn.Timeout <= 10, 'SignalWire waits on the answer');
    assert.deepEqual(fn.Role, { 'Fn::GetAtt': ['SwmlRole', 'Arn'] });
    assert.deepEqual(fn.Environment.Variables.TABLE_NAME, { Ref: 'EventsTable' });
    assert.deepEqual(fn.Environment.Variables.QUEUE_URL, { Ref: 'WebhookQueue' });
    assert.equal(fn.Environment.Variables.SWML_RULES_CACHE_SECONDS, '30');
    const data = statementsOf(resources.SwmlRole!).filter((s) =>
      [s.Action].flat().some((a: string) => /^(dynamodb|sqs):/.test(a)),
    );
    assert.deepEqual(data, [
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONFIG#swml'] } },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['WebhookQueue', 'Arn'] } },
    ]);
  });

  it('runs Node 22 on arm64, each function with its own least-privilege role', () => {
    const functions = ofType('AWS::Lambda::Function');
    assert.ok(functions.length >= 2);
    const roles = new Set<string>();
    for (const [, fn] of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      roles.add(JSON.stringify(fn.Properties.Role));
    }
    assert.equal(roles.size, functions.length, 'each function has a role of its own');
    for (const [name, role] of ofType('AWS::IAM::Role')) {
      for (const statement of role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement)) {
        const actions = [statement.Action].flat();
        assert.ok(!actions.some((a: string) => a === '*' || a.endsWith(':*')), `${name}: wildcard action ${actions}`);
        assert.notEqual(statement.Resource, '*', `${name}: wildcard resource`);
      }
    }
    const ingest = statementsOf(resources.IngestRole!);
    assert.deepEqual(
      ingest.filter((s) => ![s.Action].flat().every((a: string) => a.startsWith('logs:'))),
      [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['WebhookQueue', 'Arn'] } },
        // The webhook verification secrets by exact name: nothing else in SSM.
        { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: WEBHOOK_SECRETS.map(parameterArn) },
      ],
    );
    const worker = statementsOf(resources.WorkerRole!);
    const dynamo = worker.find((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    assert.ok(dynamo, 'worker may use the table');
    assert.ok([dynamo.Resource].flat().every((r: any) => JSON.stringify(r).includes('EventsTable')));
    // The archive's batch write, on archive items only.
    assert.deepEqual(
      worker.find((s) => s.Action === 'dynamodb:BatchWriteItem'),
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchWriteItem',
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ARCHIVE#*'] } },
      },
    );
  });

  it('verifies webhooks on every HTTP-facing function: secrets from SSM, fail closed, rejections alarmed', () => {
    const integrated = ofType('AWS::ApiGatewayV2::Integration').map(
      ([, i]) => i.Properties.IntegrationUri['Fn::GetAtt'][0] as string,
    );
    assert.ok(integrated.includes('IngestLambdaFunction'));
    for (const logicalId of new Set(integrated)) {
      const fn = resources[logicalId]!.Properties;
      const env = fn.Environment.Variables;
      assert.deepEqual(
        [env.SIGNALWIRE_SIGNING_KEY_PARAMETER, env.WEBHOOK_BASIC_AUTH_PARAMETER, env.WEBHOOK_QUERY_SECRET_PARAMETER],
        WEBHOOK_SECRETS.map((name) => `/signalwire-webhooks/ci/${name}`),
        logicalId,
      );
      assert.equal(
        env.WEBHOOK_ALLOW_UNAUTHENTICATED,
        'false',
        `${logicalId} fails closed unless the operator opts out`,
      );
      assert.equal(env.WEBHOOK_IP_ALLOWLIST, '');
      const role = resources[fn.Role['Fn::GetAtt'][0]]!;
      assert.ok(
        statementsOf(role).some(
          (s) =>
            s.Action === 'ssm:GetParameters' &&
            JSON.stringify(s.Resource) === JSON.stringify(WEBHOOK_SECRETS.map(parameterArn)),
        ),
        logicalId,
      );
    }
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === 'WebhookRejected');
    assert.ok(alarm, 'an alarm on refused webhooks');
    assert.equal(alarm.Namespace, 'SignalWireWebhooks');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'Stage', Value: 'ci' }]);
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.ok(alarm.Threshold > 0);
    // A refused SignalWire API token (replies waiting) alarms at the first refusal.
    const refused = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === 'SignalWireAuthRefused');
    assert.ok(refused, 'an alarm on SignalWire refusing our API token');
    assert.deepEqual(
      [refused.Namespace, refused.Dimensions, refused.Statistic, refused.Threshold],
      ['SignalWireWebhooks', [{ Name: 'Stage', Value: 'ci' }], 'Sum', 0],
    );
  });

  it("lets the worker reply and notify: the API token, its status callbacks' secrets and the topic only, a lease longer than its timeout", () => {
    const worker = resources.WorkerLambdaFunction!.Properties;
    const env = worker.Environment.Variables;
    assert.equal(env.SIGNALWIRE_API_TOKEN_PARAMETER, '/signalwire-webhooks/ci/signalwire-api-token');
    assert.deepEqual(
      [env.SIGNALWIRE_SPACE_URL, env.SIGNALWIRE_PROJECT_ID, env.AUTO_REPLY_KEYWORDS],
      ['', '', ''],
      'blank unless deployed with --param',
    );
    assert.ok(Number(env.REPLY_LEASE_SECONDS) > worker.Timeout, 'a reply lease outlasts the worker that holds it');
    assert.deepEqual(env.PUBLIC_BASE_URL, { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
    assert.deepEqual(env.NOTIFY_TOPIC_ARN, { Ref: 'NotificationsTopic' });
    assert.equal(resources.NotificationsTopic!.Type, 'AWS::SNS::Topic');
    const statements = statementsOf(resources.WorkerRole!);
    assert.deepEqual(
      statements.filter((s) => [s.Action].flat().some((a: string) => /^(ssm|sns|kms):/.test(a))),
      [
        // GetParameters: the one SSM call (lib/aws/ssm.ts); GetParameter is another action
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameters',
          Resource: ['signalwire-api-token', 'basic-auth', 'query-secret'].map(parameterArn),
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'NotificationsTopic' } },
      ],
    );
    // The e-mail subscription exists only when deployed with --param="notifyEmail=...".
    const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
    const subscription = resources.NotifyEmailSubscription!;
    assert.equal(subscription.Type, 'AWS::SNS::Subscription');
    assert.equal((subscription as Resource & { Condition?: string }).Condition, 'HasNotifyEmail');
    assert.deepEqual(subscription.Properties, {
      TopicArn: { Ref: 'NotificationsTopic' },
      Protocol: 'email',
      Endpoint: '',
    });
    assert.deepEqual(template.Conditions.HasNotifyEmail, { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('runs the reconciler on its schedule, with its settings, a role that reads the open index and its cursor only, and an alarm', () => {
    assert.deepEqual(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
      [
        'DeliverLambdaFunction',
        'IngestLambdaFunction',
        'ReconcilerLambdaFunction',
        'RecordingsLambdaFunction',
        'SwmlLambdaFunction',
        'WorkerLambdaFunction',
      ],
    );
    const fn = resources.ReconcilerLambdaFunction!.Properties;
    assert.deepEqual(fn.Handler, 'functions/reconciler.handler');
    assert.deepEqual([fn.Timeout, fn.MemorySize], [120, 256]);
    assert.deepEqual(fn.Role, { 'Fn::GetAtt': ['ReconcilerRole', 'Arn'] });
    const env = fn.Environment.Variables;
    assert.deepEqual(env.TABLE_NAME, { Ref: 'EventsTable' });
    assert.deepEqual(env.QUEUE_URL, { Ref: 'WebhookQueue' });
    assert.deepEqual(
      [env.SIGNALWIRE_SPACE_URL, env.SIGNALWIRE_PROJECT_ID, env.SIGNALWIRE_API_TOKEN_PARAMETER],
      ['', '', '/signalwire-webhooks/ci/signalwire-api-token'],
      "the worker's SignalWire settings",
    );
    assert.deepEqual(
      [
        env.RECONCILE_CALL_WINDOW_MINUTES,
        env.RECONCILE_MESSAGE_WINDOW_MINUTES,
        env.RECONCILE_GIVE_UP_HOURS,
        env.RECONCILE_MAX_REQUESTS,
        env.RECONCILE_DISCOVER,
        env.RECONCILE_CONCURRENCY,
      ],
      ['10', '15', '24', '600', 'true', '4'],
    );
    // an EventBridge rule every 5 minutes (the reconcileSchedule param), allowed to invoke it
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    assert.deepEqual(
      rules.map((r) => [r.Name, r.ScheduleExpression, r.State, r.Targets[0].Arn]),
      [
        [
          'signalwire-webhooks-ci-reconcile',
          'rate(5 minutes)',
          'ENABLED',
          { 'Fn::GetAtt': ['ReconcilerLambdaFunction', 'Arn'] },
        ],
      ],
    );
    assert.ok(
      ofType('AWS::Lambda::Permission').some(
        ([, p]) =>
          p.Properties.Principal === 'events.amazonaws.com' &&
          JSON.stringify(p.Properties.FunctionName).includes('ReconcilerLambdaFunction'),
      ),
    );
    const data = statementsOf(resources.ReconcilerRole!).filter((s) =>
      [s.Action].flat().every((a: string) => !a.startsWith('logs:')),
    );
    assert.deepEqual(data, [
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['EventsTable', 'Arn'] }, '/index/gsi3']] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RECONCILE#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchGetItem',
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CALL#*', 'MESSAGE#*'] } },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['WebhookQueue', 'Arn'] } },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [parameterArn('signalwire-api-token')] },
    ]);
    // a run that cannot reach SignalWire for 15 minutes (three 5-minute periods in a row)
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === 'ReconcileFailed');
    assert.ok(alarm, 'an alarm on failed reconcile runs');
    assert.deepEqual(
      [alarm.AlarmName, alarm.Namespace, alarm.Dimensions, alarm.Statistic, alarm.Period, alarm.EvaluationPeriods],
      [
        'signalwire-webhooks-ci-reconcile-failed',
        'SignalWireWebhooks',
        [{ Name: 'Stage', Value: 'ci' }],
        'Sum',
        300,
        3,
      ],
    );
    assert.deepEqual(
      [alarm.DatapointsToAlarm, alarm.Threshold, alarm.ComparisonOperator],
      [3, 0, 'GreaterThanThreshold'],
    );
    const outputs = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')).Outputs;
    assert.deepEqual(outputs.ReconcilerFunctionName.Value, { Ref: 'ReconcilerLambdaFunction' });
  });

  it('keeps the recordings in a private, encrypted, TLS-only bucket that outlives the stack, lifecycle and access logs from the params', () => {
    const bucket = resources.RecordingsBucket! as Resource & Record<string, unknown>;
    assert.equal(bucket.Type, 'AWS::S3::Bucket');
    assert.deepEqual([bucket.DeletionPolicy, bucket.UpdateReplacePolicy], ['Retain', 'Retain']);
    const props = bucket.Properties;
    // named by CloudFormation: a fixed global name could be taken first by someone else
    assert.equal(props.BucketName, undefined);
    assert.deepEqual(props.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.deepEqual(props.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(props.BucketEncryption, {
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
      ],
    });
    const noValue = { Ref: 'AWS::NoValue' };
    assert.deepEqual(props.LifecycleConfiguration, {
      Rules: [
        // parts of an upload that died with its function: gone after a day
        {
          Id: 'abort-incomplete-uploads',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        {
          'Fn::If': [
            'HasRecordingsLifecycle',
            {
              Id: 'recordings',
              Status: 'Enabled',
              Prefix: 'recordings/',
              Transitions: {
                'Fn::If': ['HasRecordingsTransition', [{ StorageClass: 'GLACIER_IR', TransitionInDays: 0 }], noValue],
              },
              ExpirationInDays: { 'Fn::If': ['HasRecordingsExpiry', 0, noValue] },
            },
            noValue,
          ],
        },
      ],
    });
    assert.deepEqual(props.LoggingConfiguration, {
      'Fn::If': [
        'HasRecordingsAccessLog',
        { DestinationBucketName: '', LogFilePrefix: 'signalwire-webhooks-ci-recordings/' },
        noValue,
      ],
    });
    // with the default params (0 days, no log bucket) every condition is false: no lifecycle rule of the params, no logs
    const { Conditions: conditions } = JSON.parse(
      readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    assert.deepEqual(conditions.HasRecordingsTransition, { 'Fn::Not': [{ 'Fn::Equals': ['days 0', 'days 0'] }] });
    assert.deepEqual(conditions.HasRecordingsExpiry, { 'Fn::Not': [{ 'Fn::Equals': ['days 0', 'days 0'] }] });
    assert.deepEqual(conditions.HasRecordingsLifecycle, {
      'Fn::Or': [{ Condition: 'HasRecordingsTransition' }, { Condition: 'HasRecordingsExpiry' }],
    });
    assert.deepEqual(conditions.HasRecordingsAccessLog, { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    // every request over plain HTTP refused, whoever makes it
    assert.deepEqual(resources.RecordingsBucketPolicy!.Properties, {
      Bucket: { Ref: 'RecordingsBucket' },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [
              { 'Fn::GetAtt': ['RecordingsBucket', 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['RecordingsBucket', 'Arn'] }, '/*']] },
            ],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
  });

  it('copies recordings in a function of its own, fed one job at a time by its queue, with a DLQ, an alarm and a least-privilege role', () => {
    const fn = resources.RecordingsLambdaFunction!.Properties;
    assert.equal(fn.Handler, 'functions/recordings.handler');
    assert.deepEqual([fn.Timeout, fn.MemorySize], [900, 1024]);
    assert.deepEqual(fn.Role, { 'Fn::GetAtt': ['RecordingsRole', 'Arn'] });
    assert.deepEqual(fn.Environment.Variables, {
      STAGE: 'ci',
      LOG_LEVEL: 'info',
      REDACT_MESSAGE_BODIES: 'false',
      TABLE_NAME: { Ref: 'EventsTable' },
      RECORDINGS_BUCKET: { Ref: 'RecordingsBucket' },
      QUEUE_URL: { Ref: 'RecordingsQueue' },
      QUEUE_VISIBILITY_TIMEOUT_SECONDS: '5400',
      DLQ_URL: { Ref: 'RecordingsDeadLetterQueue' },
      MAX_RECEIVE_COUNT: '5',
      RETENTION_DAYS: '90',
      SIGNALWIRE_SPACE_URL: '',
      SIGNALWIRE_PROJECT_ID: '',
      SIGNALWIRE_API_TOKEN_PARAMETER: '/signalwire-webhooks/ci/signalwire-api-token',
    });
    // the local stack's settings never reach a deploy
    for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_S3_FORCE_PATH_STYLE', 'RECORDINGS_ALLOW_LOOPBACK'])
      assert.equal(fn.Environment.Variables[name], undefined, name);
    const mapping = mappingOf('RecordingsQueue');
    assert.deepEqual(mapping.FunctionName, { 'Fn::GetAtt': ['RecordingsLambdaFunction', 'Arn'] });
    assert.equal(mapping.BatchSize, 1);
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping.ScalingConfig.MaximumConcurrency, 5);
    // visibility = 6 x its timeout (no batching window), as for the webhook queue
    const queue = resources.RecordingsQueue!.Properties;
    assert.equal(queue.VisibilityTimeout, 6 * fn.Timeout + (mapping.MaximumBatchingWindowInSeconds ?? 0));
    assert.equal(queue.SqsManagedSseEnabled, true);
    assert.deepEqual(queue.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': ['RecordingsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    const dlq = resources.RecordingsDeadLetterQueue! as Resource & Record<string, unknown>;
    assert.deepEqual([dlq.DeletionPolicy, dlq.UpdateReplacePolicy], ['Retain', 'Retain']);
    assert.equal(dlq.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    assert.equal(dlq.Properties.SqsManagedSseEnabled, true);
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.AlarmName === 'signalwire-webhooks-ci-recordings-dlq-not-empty');
    assert.ok(alarm, 'an alarm on the recordings DLQ');
    assert.deepEqual(
      [alarm.Namespace, alarm.MetricName, alarm.Dimensions, alarm.Statistic, alarm.Threshold, alarm.ComparisonOperator],
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RecordingsDeadLetterQueue', 'QueueName'] } }],
        'Maximum',
        0,
        'GreaterThanThreshold',
      ],
    );
    // the worker queues the jobs
    const worker = resources.WorkerLambdaFunction!.Properties;
    assert.deepEqual(worker.Environment.Variables.RECORDINGS_QUEUE_URL, { Ref: 'RecordingsQueue' });
    assert.ok(
      statementsOf(resources.WorkerRole!).some(
        (s) =>
          s.Action === 'sqs:SendMessage' &&
          JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': ['RecordingsQueue', 'Arn'] }),
      ),
    );
    assert.ok(
      !statementsOf(resources.WorkerRole!).some((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:'))),
      'the worker never touches the bucket',
    );
    assert.deepEqual(statementsOf(resources.RecordingsRole!), [
      logsStatementOf('recordings'),
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
        Resource: { 'Fn::GetAtt': ['RecordingsQueue', 'Arn'] },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['RecordingsDeadLetterQueue', 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['RecordingsBucket', 'Arn'] }, '/recordings/*']] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ROOM#*', 'RECORDING#*', 'COPY#*'] } },
      },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [parameterArn('signalwire-api-token')] },
    ]);
    const outputs = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')).Outputs;
    assert.deepEqual(outputs.RecordingsBucketName.Value, { Ref: 'RecordingsBucket' });
    assert.deepEqual(outputs.RecordingsDeadLetterQueueUrl.Value, { Ref: 'RecordingsDeadLetterQueue' });
  });

  it('delivers to the destinations in a function of its own, fed by its queue, with backoff for a day, a DLQ, an alarm and a least-privilege role', () => {
    const fn = resources.DeliverLambdaFunction!.Properties;
    assert.equal(fn.Handler, 'functions/deliver.handler');
    assert.deepEqual([fn.Timeout, fn.MemorySize], [20, 256]);
    assert.deepEqual(fn.Role, { 'Fn::GetAtt': ['DeliverRole', 'Arn'] });
    assert.deepEqual(fn.Environment.Variables, {
      STAGE: 'ci',
      LOG_LEVEL: 'info',
      REDACT_MESSAGE_BODIES: 'false',
      DESTINATIONS: '',
      DESTINATIONS_SECRET_PREFIX: '/signalwire-webhooks/ci/destinations/',
      QUEUE_URL: { Ref: 'DestinationsQueue' },
      DLQ_URL: { Ref: 'DestinationsDeadLetterQueue' },
      MAX_RECEIVE_COUNT: '20',
      TABLE_NAME: { Ref: 'EventsTable' },
      RETENTION_DAYS: '90',
    });
    // the local stack's and the tests' knobs never reach a deploy
    for (const name of ['DESTINATIONS_ALLOW_LOOPBACK', 'DELIVER_RETRY_BASE_SECONDS', 'DELIVER_TIMEOUT_MS'])
      assert.equal(fn.Environment.Variables[name], undefined, name);
    const mapping = mappingOf('DestinationsQueue');
    assert.deepEqual(mapping.FunctionName, { 'Fn::GetAtt': ['DeliverLambdaFunction', 'Arn'] });
    assert.equal(mapping.BatchSize, 10);
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping.ScalingConfig.MaximumConcurrency, 5);
    // visibility = 6 x its timeout + batching window (none), as for the other queues
    const queue = resources.DestinationsQueue!.Properties;
    assert.equal(queue.VisibilityTimeout, 6 * fn.Timeout + (mapping.MaximumBatchingWindowInSeconds ?? 0));
    assert.deepEqual(queue.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': ['DestinationsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 20,
    });
    const dlq = resources.DestinationsDeadLetterQueue! as Resource & Record<string, unknown>;
    assert.deepEqual([dlq.DeletionPolicy, dlq.UpdateReplacePolicy], ['Retain', 'Retain']);
    assert.equal(dlq.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    // one alarm: deliveries failing in 3 periods running, or a dead letter waiting
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.AlarmName === 'signalwire-webhooks-ci-destination-failing');
    assert.ok(alarm, 'an alarm on failing destinations');
    assert.deepEqual(
      [
        alarm.EvaluationPeriods,
        alarm.DatapointsToAlarm,
        alarm.Threshold,
        alarm.ComparisonOperator,
        alarm.TreatMissingData,
      ],
      [3, 3, 0, 'GreaterThanThreshold', 'notBreaching'],
    );
    const metrics = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]));
    assert.deepEqual(metrics.failed.MetricStat.Metric, {
      Namespace: 'SignalWireWebhooks',
      MetricName: 'DeliveryFailed',
      Dimensions: [{ Name: 'Stage', Value: 'ci' }],
    });
    assert.deepEqual(metrics.waiting.MetricStat.Metric, {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DestinationsDeadLetterQueue', 'QueueName'] } }],
    });
    assert.equal(metrics.failing.Expression, 'MAX([FILL(failed, 0), FILL(waiting, 0)])');
    assert.deepEqual(
      alarm.Metrics.filter((m: any) => m.ReturnData).map((m: any) => m.Id),
      ['failing'],
    );
    assert.deepEqual(statementsOf(resources.DeliverRole!), [
      logsStatementOf('deliver'),
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
        Resource: { 'Fn::GetAtt': ['DestinationsQueue', 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['DestinationsDeadLetterQueue', 'Arn'] },
      },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: parameterArn('destinations/*') },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERY#*'] } },
      },
    ]);
  });

  // Each function bundles the SDK clients it calls, and no other: a client it does not need would only lengthen its cold start.
  // Each client by a name only it carries: its JSON target prefix, for SNS (query protocol) its API version, for S3
  // (REST XML) its service's name.
  const CLIENTS = {
    DynamoDB_20120810: 'dynamodb',
    AmazonSQS: 'sqs',
    '2010-03-31': 'sns',
    AmazonSSM: 'ssm',
    AmazonS3: 's3',
  };
  const clientsOf = (text: string) =>
    Object.entries(CLIENTS)
      .filter(([marker]) => text.includes(marker))
      .map(([, client]) => client);
  it('bundles each function with the AWS SDK clients it calls and no other, the credentials from the environment alone', () => {
    assert.deepEqual(clientsOf(packagedBundle('ingest').toString('utf8')), ['sqs', 'ssm']);
    assert.deepEqual(clientsOf(packagedBundle('swml').toString('utf8')), ['dynamodb', 'sqs', 'ssm']);
    assert.deepEqual(clientsOf(packagedBundle('worker').toString('utf8')), ['dynamodb', 'sqs', 'sns', 'ssm']);
    assert.deepEqual(clientsOf(packagedBundle('reconciler').toString('utf8')), ['dynamodb', 'sqs', 'ssm']);
    assert.deepEqual(clientsOf(packagedBundle('recordings').toString('utf8')), ['dynamodb', 'sqs', 'ssm', 's3']);
    assert.deepEqual(clientsOf(packagedBundle('deliver').toString('utf8')), ['dynamodb', 'sqs', 'ssm']);
    for (const fn of FUNCTIONS) {
      // lib/aws/lambda-credentials.ts in place of the default chain (serverless.yml's esbuild alias)
      assert.ok(
        !/AWS_WEB_IDENTITY_TOKEN_FILE|AWS_CONTAINER_CREDENTIALS|sso_start_url/.test(
          packagedBundle(fn).toString('utf8'),
        ),
        `${fn} bundles the SDK's whole credential chain`,
      );
    }
  });

  it('leaves no bundle needing `require` (the reason serverless.yml has no createRequire banner)', () => {
    for (const fn of FUNCTIONS) {
      const bundle = packagedBundle(fn);
      // esbuild's stand-in for a CommonJS require() in an ESM bundle throws this at run time.
      assert.ok(
        !bundle.toString('utf8').includes('Dynamic require of'),
        `${fn} calls require(): give serverless.yml's esbuild a createRequire banner again`,
      );
    }
  });
});

const FUNCTIONS = ['ingest', 'worker', 'swml', 'reconciler', 'recordings', 'deliver'];
const WEBHOOK_SECRETS = ['signing-key', 'basic-auth', 'query-secret'];

function parameterArn(name: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ssm:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:parameter/signalwire-webhooks/ci/${name}`,
      ],
    ],
  };
}

function statementsOf(role: Resource): any[] {
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
}

/** The statement that lets a function write its own log group (the Framework adds it to every role). */
function logsStatementOf(fn: string) {
  return {
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:log-group:/aws/lambda/signalwire-webhooks-ci-${fn}:*`,
        ],
      ],
    },
  };
}
