import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createArchiveStore } from '../../lib/archive/archive-store';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { parseAutoReplyConfig } from '../../lib/messages/auto-reply';
import { createClaimStore } from '../../lib/store/claim-store';
import { createDocumentClient } from '../../lib/store/table';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_STAGE, PROJECT_ROOT } from '../../local/stack';
import { loadServerlessConfig } from '../../local/serverless-config';
import { useAutoReplyStack } from '../helpers/auto-reply-stack';
import { postFixture } from '../helpers/fixtures';
import { incomingSms } from '../helpers/message-events';
import { waitFor } from '../helpers/wait';

// serverless.yml's own visibility timeout and reply lease: the backoff, not a shortened timeout, brings retries back.
const deployed = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), LOCAL_STAGE);
const VISIBILITY_SECONDS = Number(deployed.resources.WebhookQueue!.Properties.VisibilityTimeout);
const LEASE_SECONDS = Number(deployed.functions.find((fn) => fn.name === 'worker')!.environment.REPLY_LEASE_SECONDS);
/** Well under one visibility timeout: only a backoff brings a retry back this soon. */
const QUICK_MS = 30_000;
const HELP_TEXT = parseAutoReplyConfig().replies.get('HELP')!;

describe('auto-reply retries back off instead of waiting the visibility timeout (local stack, deployed timeout and lease)', {
  timeout: 120_000,
}, () => {
  const harness = useAutoReplyStack({
    signalwireTimeoutMs: 2000,
    waitMs: QUICK_MS,
    leaseSeconds: LEASE_SECONDS,
    visibilitySeconds: VISIBILITY_SECONDS,
  });
  const sendsTo = (to: string) => harness.fake.requests.filter((r) => r.method === 'POST' && r.form.To === to);
  /** The archived verdict of an event: its `attempts` is the receive count of the delivery that settled it. */
  const archived = async (eventId: string) => {
    const dynamodb = new DynamoDBClient({
      endpoint: harness.stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const table = { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: harness.stack.tableName };
      return await createArchiveStore({ ...table, retentionDays: 90 }).get(eventId);
    } finally {
      dynamodb.destroy();
    }
  };
  /** The verdict that settled an event. Its reply is marked sent before its batch's verdicts are archived. */
  const settled = (eventId: string) =>
    waitFor(
      async () => {
        const entry = await archived(eventId);
        return entry !== undefined && entry.status !== 'retrying' ? entry : undefined;
      },
      QUICK_MS,
      `${eventId} archived as settled`,
    );
  const post = async (id: string, from: string) => {
    const response = await postFixture(harness.stack.url, incomingSms(id, from, 'HELP'));
    assert.equal(response.status, 200);
    return ((await response.json()) as { event_id: string }).event_id;
  };

  it('two HELPs from different numbers, the API answering the second send 500 once: both replies in seconds', async () => {
    assert.equal(VISIBILITY_SECONDS, 181, "serverless.yml's visibility timeout");
    assert.equal(harness.stack.environments.worker!.QUEUE_VISIBILITY_TIMEOUT_SECONDS, String(VISIBILITY_SECONDS));
    const started = Date.now();
    // given a first HELP whose reply goes out
    await post('m-backoff-a', '+15550003001');
    await waitFor(async () => (sendsTo('+15550003001').length === 1 ? true : undefined), QUICK_MS, 'the first send');
    // when the API answers the next send, the second HELP's, with a 500
    harness.fake.failNext(1, 500);
    const second = await post('m-backoff-b', '+15550003002');
    // then both customers have their reply, the second on its next delivery, long before 181 s
    await Promise.all(['m-backoff-a', 'm-backoff-b'].map((id) => harness.replies.status(id, 'sent')));
    const seconds = (Date.now() - started) / 1000;
    console.log(`two HELPs, second send answered 500 once: both replies after ${seconds.toFixed(1)} s`);
    assert.ok(seconds * 1000 < QUICK_MS, `${seconds} s`);
    assert.equal(sendsTo('+15550003002').length, 2, 'the failed send and the one accepted');
    assert.equal(harness.replies.createdFor('+15550003002').length, 1);
    assert.equal((await settled(second)).attempts, 2, 'settled on its second delivery');
  });

  it('a HELP whose reply claim another worker holds comes back once, when the lease ends, and is answered', async () => {
    // given another (live) worker holding the reply claim of this message under a lease that ends in 6 s
    const claims = createClaimStore(
      {
        client: createDocumentClient(
          sdkDynamoDb(
            new DynamoDBClient({
              endpoint: harness.stack.dynamodbEndpoint,
              region: 'us-east-1',
              credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            }),
          ),
        ),
        tableName: harness.stack.tableName,
        retentionDays: 90,
      },
      'REPLY#',
    );
    const started = Date.now();
    const leaseEnds = started + 6_000;
    assert.ok(
      await claims.create('m-backoff-held', {
        token: 'another-worker',
        leaseExpiresAt: leaseEnds,
        now: started,
        fields: { keyword: 'HELP', reply_body: HELP_TEXT },
      }),
    );
    // when the HELP arrives
    const eventId = await post('m-backoff-held', '+15550003003');
    // then it waits for the lease, takes the claim over (no reply of the holder found) and replies
    await harness.replies.status('m-backoff-held', 'sent');
    const seconds = (Date.now() - started) / 1000;
    console.log(`HELP behind a claim held for 6 s: answered after ${seconds.toFixed(1)} s`);
    assert.ok(Date.now() >= leaseEnds, 'never before the lease ended');
    assert.ok(seconds * 1000 < QUICK_MS, `${seconds} s`);
    assert.equal(sendsTo('+15550003003').length, 1);
    assert.equal((await settled(eventId)).attempts, 2, 'one wait, for the lease: not retried while it ran');
  });
});
