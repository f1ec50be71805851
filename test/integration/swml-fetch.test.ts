import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '../../lib/store/commands';
import { createDocumentClient } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { SAFE_DEFAULT_SWML } from '../../lib/swml/swml-document';
import { showStats } from '../../cli/commands/stats';
import { resetSwmlRules, showSwmlRules } from '../../cli/commands/swml';
import { resolveTarget, type Target } from '../../cli/target';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const CALLER = '+15559876543'; // the From of both SWML fixtures
const VIP_RULES = { vipNumbers: [CALLER], vipConnectTo: '+15550001111', greeting: 'Welcome to Example Corp.' };

async function fetchSwml(
  response: Promise<Response>,
): Promise<{ status: number; contentType: string | null; document: any }> {
  const res = await response;
  return { status: res.status, contentType: res.headers.get('content-type'), document: await res.json() };
}

/** Asserts the shape SignalWire requires of any SWML answer. */
function assertValidSwml(document: any): void {
  assert.equal(document.version, '1.0.0');
  assert.ok(Array.isArray(document.sections?.main) && document.sections.main.length > 0);
  for (const section of Object.values<unknown>(document.sections)) assert.ok(Array.isArray(section));
}

const connectsTo = (document: any) => document.sections.main.find((step: any) => step.connect)?.connect.to;

describe('SWML fetch (synchronous answer from table rules, journaled through the queue)', () => {
  let stack: TestStack;
  let dir: string;
  let dynamodb: DynamoDBClient;
  // The CLI's commands in-process, for reads and polling (a spawned `webhooks` costs ~1 s); the bin itself is run
  // where its behaviour is the point (set, its refusals, the final stats).
  let cli: Target;
  let fetches = 0;
  const get = (query = '') => {
    fetches++;
    return fetchSwml(fetch(`${stack.url}/swml${query}`));
  };
  const fixture = (name: string) => {
    fetches++;
    return fetchSwml(postFixture(stack.url, loadFixture(name)));
  };
  const rulesFile = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  before(async () => {
    // Rules are read on every fetch here (no container cache), so a `swml set` shows at once.
    stack = await startTestStack({ environment: { SWML_RULES_CACHE_SECONDS: '0' } });
    dir = mkdtempSync(join(tmpdir(), 'swml-rules-'));
    dynamodb = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: stack.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cli = await resolveTarget({ stackFile: stack.stackFile });
  });
  after(async () => {
    cli.close();
    dynamodb?.destroy();
    rmSync(dir, { recursive: true, force: true });
    await stack?.stop();
  });

  it('answers the GET and POST fixtures with valid SWML as JSON, from the built-in rules when none are set', async () => {
    for (const answer of [await fixture('swml-fetch-get'), await fixture('swml-fetch-post')]) {
      assert.equal(answer.status, 200);
      assert.match(answer.contentType ?? '', /^application\/json/);
      assertValidSwml(answer.document);
      // everyone else: greeted, then sent to the menu section that prompts for a digit
      assert.deepEqual(answer.document.sections.main.at(-1), { transfer: { dest: 'menu' } });
      assert.ok(answer.document.sections.menu.some((step: any) => step.prompt));
    }
    assert.equal((await showSwmlRules(cli)).source, 'built-in');
  });

  it('routes VIP callers to the VIP number and others to the menu once `webhooks swml set` stored new rules', async () => {
    // given VIP rules set through the CLI
    const set = await stack.cli(['swml', 'set', rulesFile('vip.json', JSON.stringify(VIP_RULES))]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.json.version, 1);
    // when the VIP calls (GET and POST) and a stranger calls
    const vipGet = await fixture('swml-fetch-get');
    const vipPost = await fixture('swml-fetch-post');
    const stranger = await get('?From=%2B15550009999&To=%2B15551234567&CallSid=c-stranger&Direction=inbound');
    // then the VIP is connected straight to the VIP number, the stranger hears the new greeting and the menu
    for (const answer of [vipGet, vipPost]) {
      assertValidSwml(answer.document);
      assert.equal(connectsTo(answer.document), '+15550001111');
      assert.equal(answer.document.sections.menu, undefined);
    }
    assertValidSwml(stranger.document);
    assert.equal(connectsTo(stranger.document), undefined);
    assert.ok(JSON.stringify(stranger.document.sections.main).includes('Welcome to Example Corp.'));
    assert.ok(stranger.document.sections.menu);
    const shown = await showSwmlRules(cli);
    assert.equal(shown.source, 'table');
    assert.deepEqual(shown.rules?.vipNumbers, [CALLER]);
  });

  it('refuses invalid rules with the reason and changes nothing', async () => {
    const [refused, noConnect] = await Promise.all([
      stack.cli(['swml', 'set', rulesFile('typo.json', JSON.stringify({ vipNumber: [CALLER] }))]),
      stack.cli(['swml', 'set', rulesFile('no-connect.json', JSON.stringify({ vipNumbers: [CALLER] }))]),
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /unknown field vipNumber; nothing was changed/);
    assert.equal(noConnect.code, 1);
    assert.match(noConnect.stderr, /vipConnectTo is required/);
    assert.equal((await showSwmlRules(cli)).version, 1);
  });

  it('answers the safe default (200) when the stored rules are broken', async () => {
    // given rules written around the CLI's validation
    const client = createDocumentClient(sdkDynamoDb(dynamodb));
    await client.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: { pk: 'CONFIG#swml', sk: 'RULES', rules_json: '{"vipNumbers":"everyone"' },
      }),
    );
    // then every caller still gets an answer: the apology and a clean hang-up
    for (const answer of [await fixture('swml-fetch-get'), await fixture('swml-fetch-post')]) {
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.document, SAFE_DEFAULT_SWML);
    }
    const shown = await showSwmlRules(cli);
    assert.equal(shown.valid, false);
    assert.match(shown.reason ?? '', /not valid JSON/);
    // and `reset` goes back to the built-in rules
    await resetSwmlRules(cli);
    assert.deepEqual((await fixture('swml-fetch-get')).document.sections.main.at(-1), { transfer: { dest: 'menu' } });
  });

  it('answers an unreadable POST body too, rather than refusing the caller', async () => {
    const answer = await fetchSwml(
      fetch(`${stack.url}/swml`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      }),
    );
    assert.equal(answer.status, 200);
    assertValidSwml(answer.document);
  });

  it('journals every answered fetch through the queue; the worker files it for the stats', async () => {
    await waitFor(
      async () => ((await showStats(cli, { hours: '1' })).swml_fetches.total === fetches ? true : undefined),
      10_000,
      `${fetches} journaled fetches`,
    );
    const [stats, dlq] = await Promise.all([stack.cli(['stats', '--hours', '1']), stack.cli(['dlq', 'list'])]);
    assert.equal(stats.json.swml_fetches.total, fetches);
    // the unreadable POST body was answered but not journaled; every other fetch said inbound
    assert.deepEqual(stats.json.swml_fetches.by_direction, { inbound: fetches });
    assert.deepEqual(dlq.json, []);
  });

  it('answers the safe default (200) when the table is gone', async () => {
    await dynamodb.send(new DeleteTableCommand({ TableName: stack.tableName }));
    const answer = await fixture('swml-fetch-post');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.document, SAFE_DEFAULT_SWML);
  });
});
