import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LOCAL_STAGE } from '../../local/stack';
import { functionRoles, hashKeyOf, isAllowed, type FunctionRole } from './iam-policies';
import { packageTemplate, TEMPLATE_STAGE, type Packaged } from './package-template';
import { readRecordedCalls, toIamRequest, type IamRequest } from './recorded-calls';

const SERVICE = 'signalwire-webhooks';
const CALLS_DIR = process.env.IAM_CALLS_DIR;

/**
 * IAM parity: every AWS call a function made during the integration tests (recorded by the local stack, see
 * local/aws-call-recorder.mjs; `npm test` runs the integration tests first and names the directory), held against
 * that function's role in the template `serverless package` writes, by a real policy engine. A call the role would
 * deny works locally and fails deployed: this test fails naming the function, the action and the resource.
 */
describe('IAM parity: what the functions did in the integration tests, their roles allow', {
  skip: CALLS_DIR
    ? false
    : "run through `npm test` (it records the integration tests' AWS calls in IAM_CALLS_DIR first)",
}, () => {
  let packaged: Packaged;
  let roles: Map<string, FunctionRole>;
  let requests: Map<string, { request: IamRequest; files: Set<string> }>;

  before(async () => {
    packaged = await packageTemplate();
    roles = functionRoles(packaged.template, SERVICE, TEMPLATE_STAGE);
    requests = new Map();
    const names = { service: SERVICE, localStage: LOCAL_STAGE, stage: TEMPLATE_STAGE };
    for (const { call, file } of readRecordedCalls(CALLS_DIR!)) {
      assert.equal(call.unparsed, undefined, `a recorded call could not be read: ${JSON.stringify(call)}`);
      const request = toIamRequest(call, names, (table) => hashKeyOf(packaged.template.Resources, table));
      if (!request) continue;
      const id = JSON.stringify(request);
      const entry = requests.get(id) ?? { request, files: new Set<string>() };
      entry.files.add(file);
      requests.set(id, entry);
    }
  });
  after(() => packaged?.dispose());

  it('recorded the paths every function takes deployed (so the check below cannot pass on an empty recording)', () => {
    // An S3 object by its bucket and first folder (`<bucket>/recordings/*`): its key differs from test to test.
    const shown = (resource: string) =>
      resource.startsWith('arn:aws:s3:::')
        ? resource.slice('arn:aws:s3:::'.length).replace(/^([^/]+\/[^/]+)\/.*$/, '$1/*')
        : resource.split(':').pop();
    const seen = new Set([...requests.values()].map(({ request: r }) => `${r.fn} ${r.action} ${shown(r.resource)}`));
    const expected = [
      'ingest sqs:SendMessage signalwire-webhooks-ci-webhooks',
      'ingest ssm:GetParameters parameter/signalwire-webhooks/ci/signing-key',
      'swml ssm:GetParameters parameter/signalwire-webhooks/ci/signing-key',
      'swml dynamodb:GetItem table/signalwire-webhooks-ci-events',
      'swml sqs:SendMessage signalwire-webhooks-ci-webhooks',
      'worker sqs:ReceiveMessage signalwire-webhooks-ci-webhooks',
      'worker sqs:DeleteMessage signalwire-webhooks-ci-webhooks',
      'worker sqs:ChangeMessageVisibility signalwire-webhooks-ci-webhooks',
      'worker dynamodb:UpdateItem table/signalwire-webhooks-ci-events',
      'worker dynamodb:PutItem table/signalwire-webhooks-ci-events',
      'worker dynamodb:GetItem table/signalwire-webhooks-ci-events',
      'worker sqs:SendMessage signalwire-webhooks-ci-webhooks-dlq',
      'worker ssm:GetParameters parameter/signalwire-webhooks/ci/signalwire-api-token',
      'worker sns:Publish signalwire-webhooks-ci-notifications',
      'reconciler dynamodb:Query table/signalwire-webhooks-ci-events/index/gsi3',
      'reconciler sqs:SendMessage signalwire-webhooks-ci-webhooks',
      'reconciler ssm:GetParameters parameter/signalwire-webhooks/ci/signalwire-api-token',
      // Discovery: the listing cursor, and which listed calls and messages we already have.
      'reconciler dynamodb:GetItem table/signalwire-webhooks-ci-events',
      'reconciler dynamodb:PutItem table/signalwire-webhooks-ci-events',
      'reconciler dynamodb:BatchGetItem table/signalwire-webhooks-ci-events',
      // Recordings: the worker queues a completed recording's copy; the copier streams it into the bucket (the
      // multipart upload is s3:PutObject, HeadObject s3:GetObject), files it, and dead-letters a recording that is gone.
      'worker sqs:SendMessage signalwire-webhooks-ci-recordings',
      'recordings sqs:ReceiveMessage signalwire-webhooks-ci-recordings',
      'recordings sqs:DeleteMessage signalwire-webhooks-ci-recordings',
      'recordings sqs:SendMessage signalwire-webhooks-ci-recordings-dlq',
      'recordings s3:PutObject signalwire-webhooks-ci-recordingsbucket/recordings/*',
      'recordings s3:GetObject signalwire-webhooks-ci-recordingsbucket/recordings/*',
      'recordings dynamodb:UpdateItem table/signalwire-webhooks-ci-events',
      'recordings dynamodb:PutItem table/signalwire-webhooks-ci-events',
      // Events out: every applied change's event is put on the stage's bus (the local bus signalwire-webhooks-local).
      'worker events:PutEvents event-bus/signalwire-webhooks-ci',
      // Destinations (test/integration/destinations-delivery.test.ts): the deliverer takes its jobs, backs a retry
      // off, dead-letters a refused delivery and reads each destination's signing secret.
      'deliver sqs:ReceiveMessage signalwire-webhooks-ci-destinations',
      'deliver sqs:DeleteMessage signalwire-webhooks-ci-destinations',
      'deliver sqs:ChangeMessageVisibility signalwire-webhooks-ci-destinations',
      'deliver sqs:SendMessage signalwire-webhooks-ci-destinations-dlq',
      'deliver ssm:GetParameters parameter/signalwire-webhooks/ci/destinations/crm',
      // Each try's state (test/integration/destination-delivery-state.test.ts): one UpdateItem on DELIVERY#<event id>.
      'deliver dynamodb:UpdateItem table/signalwire-webhooks-ci-events',
    ];
    assert.deepEqual(
      expected.filter((call) => !seen.has(call)),
      [],
      `seen: ${[...seen].sort().join('\n')}`,
    );
  });

  it("every recorded call is allowed by its function's role (iam-simulate over the packaged policies)", async () => {
    const denied: string[] = [];
    for (const { request, files } of requests.values()) {
      const role = roles.get(request.fn);
      if (!role) {
        denied.push(`${request.fn}: no such function in the template (${request.action} on ${request.resource})`);
        continue;
      }
      const result = await isAllowed(role, request.action, request.resource, request.context);
      if (result !== 'Allowed') {
        const context = Object.keys(request.context).length > 0 ? ` with ${JSON.stringify(request.context)}` : '';
        denied.push(
          `${request.fn}: ${request.action} on ${request.resource}${context} is ${result} by ${role.role} (made in ${[...files].join(', ')})`,
        );
      }
    }
    assert.ok(requests.size > 0, 'no AWS call was recorded');
    assert.deepEqual(denied, [], `calls the deployed roles would refuse:\n${denied.join('\n')}`);
  });

  it('the engine refuses what a role does not grant (the check can fail)', async () => {
    const swml = roles.get('swml')!;
    const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
    assert.equal(
      await isAllowed(swml, 'dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['CONFIG#swml'] }),
      'Allowed',
    );
    assert.equal(
      await isAllowed(swml, 'dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['CALL#c-1'] }),
      'ImplicitlyDenied',
    );
    assert.equal(await isAllowed(roles.get('ingest')!, 'dynamodb:GetItem', table, {}), 'ImplicitlyDenied');
  });

  it('keeps the worker out of the SWML routing rules (CONFIG#), which it never needs, and in its own items', async () => {
    const worker = roles.get('worker')!;
    const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      assert.equal(
        await isAllowed(worker, action, table, { 'dynamodb:LeadingKeys': ['CONFIG#swml'] }),
        'ExplicitlyDenied',
        action,
      );
      assert.equal(await isAllowed(worker, action, table, { 'dynamodb:LeadingKeys': ['CALL#c-1'] }), 'Allowed', action);
    }
  });
});

describe("IAM parity: the reconciler's role (least privilege, whatever the integration tests recorded)", () => {
  let packaged: Packaged;
  let reconciler: FunctionRole;
  const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
  const leading = (...keys: string[]) => ({ 'dynamodb:LeadingKeys': keys });
  before(async () => {
    packaged = await packageTemplate();
    reconciler = functionRoles(packaged.template, SERVICE, TEMPLATE_STAGE).get('reconciler')!;
  });
  after(() => packaged?.dispose());

  it('queries the open index (gsi3) only: not the table, not the other indexes', async () => {
    assert.ok(reconciler, 'the reconciler function and its role are in the template');
    assert.equal(
      await isAllowed(reconciler, 'dynamodb:Query', `${table}/index/gsi3`, leading('OPEN#call#3')),
      'Allowed',
    );
    for (const resource of [table, `${table}/index/gsi1`, `${table}/index/gsi2`])
      assert.equal(await isAllowed(reconciler, 'dynamodb:Query', resource, leading('OPEN#call#3')), 'ImplicitlyDenied');
    assert.equal(await isAllowed(reconciler, 'dynamodb:Scan', table, {}), 'ImplicitlyDenied');
  });

  it('reads and writes its own cursor (RECONCILE#), batch-reads calls and messages, writes no record', async () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem'])
      assert.equal(await isAllowed(reconciler, action, table, leading('RECONCILE#calls')), 'Allowed', action);
    assert.equal(
      await isAllowed(reconciler, 'dynamodb:BatchGetItem', table, leading('CALL#c-1', 'MESSAGE#m-1')),
      'Allowed',
    );
    assert.equal(
      await isAllowed(reconciler, 'dynamodb:BatchGetItem', table, leading('CALL#c-1', 'CONFIG#swml')),
      'ImplicitlyDenied',
    );
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
      assert.equal(await isAllowed(reconciler, action, table, leading('CALL#c-1')), 'ImplicitlyDenied', action);
    // what it learns goes to the webhook queue, never the DLQ
    const queue = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${SERVICE}-${TEMPLATE_STAGE}-${name}`;
    assert.equal(await isAllowed(reconciler, 'sqs:SendMessage', queue('webhooks'), {}), 'Allowed');
    assert.equal(await isAllowed(reconciler, 'sqs:SendMessage', queue('webhooks-dlq'), {}), 'ImplicitlyDenied');
    // the API token, and none of the webhook secrets
    const parameter = (name: string) =>
      `arn:aws:ssm:us-east-1:123456789012:parameter/${SERVICE}/${TEMPLATE_STAGE}/${name}`;
    assert.equal(await isAllowed(reconciler, 'ssm:GetParameters', parameter('signalwire-api-token'), {}), 'Allowed');
    assert.equal(await isAllowed(reconciler, 'ssm:GetParameters', parameter('signing-key'), {}), 'ImplicitlyDenied');
  });
});

describe("IAM parity: the recordings copier's role (least privilege, whatever the integration tests recorded)", () => {
  let packaged: Packaged;
  let recordings: FunctionRole;
  let worker: FunctionRole;
  const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
  const bucket = `arn:aws:s3:::${SERVICE}-${TEMPLATE_STAGE}-recordingsbucket`;
  const queue = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${SERVICE}-${TEMPLATE_STAGE}-${name}`;
  const leading = (...keys: string[]) => ({ 'dynamodb:LeadingKeys': keys });
  before(async () => {
    packaged = await packageTemplate();
    const roles = functionRoles(packaged.template, SERVICE, TEMPLATE_STAGE);
    recordings = roles.get('recordings')!;
    worker = roles.get('worker')!;
  });
  after(() => packaged?.dispose());

  it('writes, reads and aborts uploads of objects under recordings/ only: no other key, bucket, listing or delete', async () => {
    assert.ok(recordings, 'the recordings function and its role are in the template');
    const object = `${bucket}/recordings/rs-1/rec-1.mp4`;
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'])
      assert.equal(await isAllowed(recordings, action, object, {}), 'Allowed', action);
    for (const resource of [`${bucket}/other/rec-1.mp4`, `${bucket}-x/recordings/rec-1.mp4`, `${bucket}/recordings`])
      assert.equal(await isAllowed(recordings, 's3:PutObject', resource, {}), 'ImplicitlyDenied', resource);
    for (const action of ['s3:DeleteObject', 's3:PutObjectAcl', 's3:ListBucket'])
      assert.equal(
        await isAllowed(recordings, action, action === 's3:ListBucket' ? bucket : object, {}),
        'ImplicitlyDenied',
        action,
      );
    // no other function touches the bucket
    assert.equal(await isAllowed(worker, 's3:GetObject', object, {}), 'ImplicitlyDenied');
  });

  it('files the copy on the room session (ROOM#), its pointer (RECORDING#) and its claim (COPY#) only', async () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      for (const key of ['ROOM#rs-1', 'RECORDING#rec-1', 'COPY#rs-1#rec-1'])
        assert.equal(await isAllowed(recordings, action, table, leading(key)), 'Allowed', `${action} ${key}`);
    for (const key of ['CALL#c-1', 'CONFIG#swml', 'NOTIFY#k'])
      assert.equal(await isAllowed(recordings, 'dynamodb:UpdateItem', table, leading(key)), 'ImplicitlyDenied', key);
    for (const action of ['dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'])
      assert.equal(await isAllowed(recordings, action, table, leading('ROOM#rs-1')), 'ImplicitlyDenied', action);
  });

  it('takes its jobs from the recordings queue and dead-letters to its own DLQ; the worker queues jobs there', async () => {
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'])
      assert.equal(await isAllowed(recordings, action, queue('recordings'), {}), 'Allowed', action);
    assert.equal(await isAllowed(recordings, 'sqs:SendMessage', queue('recordings-dlq'), {}), 'Allowed');
    for (const name of ['webhooks', 'webhooks-dlq', 'recordings'])
      assert.equal(await isAllowed(recordings, 'sqs:SendMessage', queue(name), {}), 'ImplicitlyDenied', name);
    assert.equal(await isAllowed(worker, 'sqs:SendMessage', queue('recordings'), {}), 'Allowed');
    assert.equal(await isAllowed(worker, 'sqs:ReceiveMessage', queue('recordings'), {}), 'ImplicitlyDenied');
    // the API token (recordings on the space), no webhook secret
    const parameter = (name: string) =>
      `arn:aws:ssm:us-east-1:123456789012:parameter/${SERVICE}/${TEMPLATE_STAGE}/${name}`;
    assert.equal(await isAllowed(recordings, 'ssm:GetParameters', parameter('signalwire-api-token'), {}), 'Allowed');
    assert.equal(await isAllowed(recordings, 'ssm:GetParameters', parameter('signing-key'), {}), 'ImplicitlyDenied');
  });
});

describe("IAM parity: the worker's events (least privilege, whatever the integration tests recorded)", () => {
  let packaged: Packaged;
  let roles: Map<string, FunctionRole>;
  const bus = (name: string) => `arn:aws:events:us-east-1:123456789012:event-bus/${name}`;
  before(async () => {
    packaged = await packageTemplate();
    roles = functionRoles(packaged.template, SERVICE, TEMPLATE_STAGE);
  });
  after(() => packaged?.dispose());

  it("puts events on this stage's bus only: not the default bus, not another stage's, not a bus of the account's", async () => {
    const worker = roles.get('worker')!;
    assert.equal(await isAllowed(worker, 'events:PutEvents', bus(`${SERVICE}-${TEMPLATE_STAGE}`), {}), 'Allowed');
    for (const name of ['default', `${SERVICE}-prod`, `${SERVICE}-${TEMPLATE_STAGE}-x`, 'billing'])
      assert.equal(await isAllowed(worker, 'events:PutEvents', bus(name), {}), 'ImplicitlyDenied', name);
    // publishing is all it does with EventBridge: no rules of its own, no targets, no other bus
    const rule = `arn:aws:events:us-east-1:123456789012:rule/${SERVICE}-${TEMPLATE_STAGE}/anything`;
    for (const action of ['events:PutRule', 'events:PutTargets'])
      assert.equal(await isAllowed(worker, action, rule, {}), 'ImplicitlyDenied', action);
    assert.equal(
      await isAllowed(worker, 'events:CreateEventBus', bus(`${SERVICE}-${TEMPLATE_STAGE}`), {}),
      'ImplicitlyDenied',
    );
  });

  it("holds a recorded PutEvents against the stage's bus, and one on another bus against that bus (so it can fail)", async () => {
    const names = { service: SERVICE, localStage: LOCAL_STAGE, stage: TEMPLATE_STAGE };
    const recorded = (busName: string) =>
      toIamRequest(
        {
          caller: 'local-worker',
          service: 'events',
          operation: 'PutEvents',
          bus: `arn:aws:events:us-east-1:000000000000:event-bus/${busName}`,
        },
        names,
        () => undefined,
      )!;
    const local = recorded(`${SERVICE}-${LOCAL_STAGE}`);
    assert.deepEqual(local, {
      fn: 'worker',
      action: 'events:PutEvents',
      resource: bus(`${SERVICE}-${TEMPLATE_STAGE}`),
      context: {},
    });
    assert.equal(await isAllowed(roles.get('worker')!, local.action, local.resource, local.context), 'Allowed');
    const stray = recorded('default');
    assert.equal(stray.resource, bus('default'));
    assert.equal(
      await isAllowed(roles.get('worker')!, stray.action, stray.resource, stray.context),
      'ImplicitlyDenied',
    );
  });

  it('no other function may put events on the bus', async () => {
    for (const [fn, role] of roles)
      if (fn !== 'worker')
        assert.equal(
          await isAllowed(role, 'events:PutEvents', bus(`${SERVICE}-${TEMPLATE_STAGE}`), {}),
          'ImplicitlyDenied',
          fn,
        );
  });
});

describe("IAM parity: the deliverer's role (least privilege, whatever the integration tests recorded)", () => {
  let packaged: Packaged;
  let deliver: FunctionRole;
  let worker: FunctionRole;
  const queue = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${SERVICE}-${TEMPLATE_STAGE}-${name}`;
  const parameter = (name: string) =>
    `arn:aws:ssm:us-east-1:123456789012:parameter/${SERVICE}/${TEMPLATE_STAGE}/${name}`;
  before(async () => {
    packaged = await packageTemplate();
    const roles = functionRoles(packaged.template, SERVICE, TEMPLATE_STAGE);
    deliver = roles.get('deliver')!;
    worker = roles.get('worker')!;
  });
  after(() => packaged?.dispose());

  it('takes its jobs from the destinations queue and dead-letters to its own DLQ; the worker queues the jobs', async () => {
    assert.ok(deliver, 'the deliver function and its role are in the template');
    for (const action of [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ChangeMessageVisibility',
    ])
      assert.equal(await isAllowed(deliver, action, queue('destinations'), {}), 'Allowed', action);
    assert.equal(await isAllowed(deliver, 'sqs:SendMessage', queue('destinations-dlq'), {}), 'Allowed');
    for (const name of ['destinations', 'webhooks', 'webhooks-dlq', 'recordings', 'recordings-dlq'])
      assert.equal(await isAllowed(deliver, 'sqs:SendMessage', queue(name), {}), 'ImplicitlyDenied', name);
    assert.equal(await isAllowed(deliver, 'sqs:ReceiveMessage', queue('webhooks'), {}), 'ImplicitlyDenied');
    assert.equal(await isAllowed(worker, 'sqs:SendMessage', queue('destinations'), {}), 'Allowed');
    assert.equal(await isAllowed(worker, 'sqs:ReceiveMessage', queue('destinations'), {}), 'ImplicitlyDenied');
  });

  it("reads the destinations' secrets and nothing else: no webhook secret, no API token, no table", async () => {
    for (const name of ['crm', 'billing_2'])
      assert.equal(await isAllowed(deliver, 'ssm:GetParameters', parameter(`destinations/${name}`), {}), 'Allowed');
    for (const name of ['signing-key', 'basic-auth', 'query-secret', 'signalwire-api-token', 'destinations'])
      assert.equal(await isAllowed(deliver, 'ssm:GetParameters', parameter(name), {}), 'ImplicitlyDenied', name);
    const otherStage = `arn:aws:ssm:us-east-1:123456789012:parameter/${SERVICE}/prod/destinations/crm`;
    assert.equal(await isAllowed(deliver, 'ssm:GetParameters', otherStage, {}), 'ImplicitlyDenied');
    assert.equal(await isAllowed(worker, 'ssm:GetParameters', parameter('destinations/crm'), {}), 'ImplicitlyDenied');
    const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'])
      assert.equal(await isAllowed(deliver, action, table, {}), 'ImplicitlyDenied', action);
  });

  it("files each try's state on the event's DELIVERY# item with UpdateItem, and touches no other item", async () => {
    const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${SERVICE}-${TEMPLATE_STAGE}-events`;
    const leading = (...keys: string[]) => ({ 'dynamodb:LeadingKeys': keys });
    assert.equal(await isAllowed(deliver, 'dynamodb:UpdateItem', table, leading('DELIVERY#evt_1')), 'Allowed');
    for (const key of ['CALL#c-1', 'ARCHIVE#2026-01-01#3', 'CONFIG#swml'])
      assert.equal(await isAllowed(deliver, 'dynamodb:UpdateItem', table, leading(key)), 'ImplicitlyDenied', key);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'])
      assert.equal(await isAllowed(deliver, action, table, leading('DELIVERY#evt_1')), 'ImplicitlyDenied', action);
  });
});

describe('ARNs in the packaged template name their partition', () => {
  it('builds every ARN from AWS::Partition, never a literal arn:aws: (China and GovCloud are other partitions)', async () => {
    const packaged = await packageTemplate();
    try {
      const literal = JSON.stringify(packaged.template).match(/"arn:aws[^"]*"/g) ?? [];
      assert.deepEqual(literal, []);
    } finally {
      packaged.dispose();
    }
  });
});
