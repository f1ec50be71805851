import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveTarget } from '../../cli/target';
import { archiveEntryOf } from '../../lib/archive/archive-entry';
import { createArchiveStore } from '../../lib/archive/archive-store';
import { sendMessageWith } from '../../lib/aws/sqs';
import { sqsClientAt } from '../helpers/sdk-clients';
import { createEnvelope } from '../../lib/envelope/envelope';
import { createDeadLetterQueue } from '../../lib/queue/dead-letter-queue';
import { UpdateCommand } from '../../lib/store/commands';
import { PROJECT_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/test-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(PROJECT_ROOT, 'test-results', 'browser');
/**
 * The screenshot the README shows is docs/console.png, replaced only on purpose: `UPDATE_README_SHOT=1 npm run
 * test:browser`. Every run writes it to test-results/ beside the others.
 */
const README_SHOT =
  process.env.UPDATE_README_SHOT === '1'
    ? join(PROJECT_ROOT, 'docs', 'console.png')
    : join(SHOTS, 'readme-console.png');

/** Starts the real `webhooks console` bin on a free port against the test stack; resolves with its URL. */
function startConsoleBin(stackFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), 'console', '--port', '0'], {
    env: { ...process.env, WEBHOOKS_STACK_FILE: stackFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`console exited with ${code} before serving: ${err.slice(-500)}`)));
  });
}

async function post(stack: TestStack, route: string, body: object): Promise<string> {
  const response = await fetch(`${stack.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { event_id: string }).event_id;
}

describe('webhooks console in a real browser (Debian chromium, headless)', () => {
  let stack: TestStack;
  let consoleProcess: ChildProcess | undefined;
  let consoleUrl: string;
  let browser: Browser | undefined;
  let page: Page;
  const shot = async (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack();
    ({ child: consoleProcess, url: consoleUrl } = await startConsoleBin(stack.stackFile));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // hx-confirm asks with window.confirm: the operator says yes.
    page.on('dialog', (dialog) => void dialog.accept());
  });

  after(async () => {
    await browser?.close();
    if (consoleProcess && consoleProcess.exitCode === null) {
      const exited = new Promise((resolve) => consoleProcess!.once('exit', resolve));
      consoleProcess.kill('SIGINT');
      await exited;
    }
    await stack?.stop();
  });

  it('lists deliveries as they are applied: the page is live, no reload', async () => {
    await page.goto(consoleUrl);
    await page.waitForSelector('#feed');
    const started = Date.now();
    const calls = [
      {
        call_id: 'browser-call-1',
        call_state: 'ringing',
        from: '+15551230000',
        to: '+15559870000',
        direction: 'inbound',
        timestamp: new Date(started - 20_000).toISOString(),
      },
      {
        call_id: 'browser-call-1',
        call_state: 'answered',
        from: '+15551230000',
        to: '+15559870000',
        direction: 'inbound',
        timestamp: new Date(started - 15_000).toISOString(),
      },
      {
        call_id: 'browser-call-1',
        call_state: 'ended',
        from: '+15551230000',
        to: '+15559870000',
        direction: 'inbound',
        timestamp: new Date(started - 3_000).toISOString(),
      },
    ];
    // One at a time, each shown before the next is sent: sent together, they could share a batch whose records the
    // worker applies concurrently, and an `ended` applied first files the `answered` as late (rightly, but not this test).
    const ids: string[] = [];
    const sendAndSee = async (route: string, body: object) => {
      const id = await post(stack, route, body);
      await page.waitForSelector(`#feed-rows tr[data-event-id="${id}"]`, { timeout: 15_000 });
      ids.push(id);
    };
    for (const call of calls) await sendAndSee('/call-status', call);
    await sendAndSee('/incoming-sms', {
      message_id: 'browser-sms-1',
      from: '+15551230000',
      to: '+15559870000',
      body: 'HELP',
      timestamp: new Date().toISOString(),
    });
    // The oldest row of an event is its first verdict (SQS may deliver it again: that shows as a later `duplicate`).
    const answered = page.locator(`#feed-rows tr[data-event-id="${ids[1]}"]`).last();
    // innerText here and below: the assertions are on the rendered text, what the operator sees; textContent would
    // also count text the page hides (CSS display:none, the chart's svg <title> tooltips).
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    assert.match(await answered.innerText(), /call\.status[\s\S]*applied[\s\S]*call:browser-call-1:answered/);
    await shot('feed');
    // The README's picture: the feed without the empty page below it.
    await page.setViewportSize({ width: 1280, height: 400 });
    await page.screenshot({ path: README_SHOT });
    await page.setViewportSize({ width: 1280, height: 800 });
    // A delivery's page (its event id): the events its change produced.
    await answered.locator('td.id a').click();
    await page.waitForSelector('#delivery-events');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    const events = await page.locator('#delivery-events').innerText();
    assert.match(events, /Call State Changed\s+evt_\w+\s+call\/browser-call-1/);
    await shot('delivery');
    await page.click('#nav-feed');
    await page.waitForSelector('#feed');
  });

  it("opens a call's timeline: states over time as a chart, with the talk time", async () => {
    await page.locator('#feed-rows a', { hasText: 'call:browser-call-1:answered' }).first().click();
    await page.waitForSelector('#call-detail svg.chart');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    const detail = await page.locator('#call-detail').innerText();
    assert.match(detail, /ended/);
    assert.match(detail, /talk time 12 s/);
    assert.equal(await page.locator('#call-detail svg.chart circle').count(), 3, 'one point per state seen');
    await shot('call-timeline');
  });

  it('shows what SignalWire charged on calls, and marks what the reconciler filed in the feed', async () => {
    await page.click('#nav-feed');
    await page.waitForSelector('#feed');
    // given the reconciler learned the call's price (the worker records it on the call and files the verdict)
    const target = await resolveTarget({ stackFile: stack.stackFile });
    try {
      await target.table.client.send(
        new UpdateCommand({
          TableName: target.table.tableName,
          Key: { pk: 'CALL#browser-call-1', sk: 'CALL' },
          UpdateExpression: 'SET price = :price, price_unit = :unit, reconciled_at = :at',
          ExpressionAttributeValues: { ':price': 0.0065, ':unit': 'USD', ':at': new Date().toISOString() },
        }),
      );
      const payload = { reconcile: 'state', api: 'compat', resource: { sid: 'browser-call-1', price: '-0.00650' } };
      const envelope = createEnvelope({
        kind: 'call.status',
        route: 'reconcile',
        content_type: 'json',
        body: JSON.stringify(payload),
        payload,
        headers: {},
        source: 'reconcile',
      });
      await createArchiveStore(target.table).write([
        archiveEntryOf(envelope, { status: 'applied', outcome: 'price-recorded', attempts: 1 }),
      ]);
      // then the feed marks it as reconciled, live
      const row = page.locator(`#feed-rows tr[data-event-id="${envelope.event_id}"]`);
      await row.waitFor({ timeout: 15_000 });
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
      assert.match(await row.innerText(), /call\.status\s+reconciled/);
      assert.equal(await page.locator('#feed-rows tr.reconciled').count(), 1, 'only that row is marked');
      await shot('feed-reconciled');
    } finally {
      target.close();
    }
    // and the calls list and the call show its price
    await page.click('#nav-calls');
    await page.waitForSelector('#calls');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    assert.match(await page.locator('#calls tr', { hasText: 'browser-call-1' }).innerText(), /0\.0065 USD/);
    await shot('calls-priced');
    await page.locator('#calls a', { hasText: 'browser-call-1' }).click();
    await page.waitForSelector('#call-detail');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    const detail = await page.locator('#call-detail dl.facts').innerText();
    assert.match(detail, /price\s+0\.0065 USD/);
    assert.match(detail, /reconciled at\s+reconciled/);
    await shot('call-priced');
    await page.click('#nav-feed');
    await page.waitForSelector('#feed');
  });

  it('redrives a dead letter from the page after a confirmation, and the DLQ is then empty', async () => {
    // A valid delivery that exhausted its retries while something was down (now fixed): what redrive is for.
    const sendMessage = sendMessageWith(sqsClientAt(stack.sqsEndpoint));
    const envelope = createEnvelope({
      kind: 'call.status',
      route: 'POST /call-status',
      content_type: 'json',
      body: '{"call_id":"browser-redriven","call_state":"answered"}',
      payload: { call_id: 'browser-redriven', call_state: 'answered' },
      headers: {},
    });
    await createDeadLetterQueue(sendMessage, stack.deadLetterQueueUrl).send(JSON.stringify(envelope), {
      reason: 'failed on all 5 deliveries; last error: DynamoDB unavailable',
      category: 'exhausted',
      attempts: 5,
      sourceMessageId: 'browser-test',
    });
    await page.click('#nav-dlq');
    await page.waitForSelector('#dlq tr[data-message-id]');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    assert.match(await page.locator('#dlq').innerText(), /DynamoDB unavailable/);
    await shot('dlq-before');
    await page.click('#dlq tr[data-message-id] button.redrive');
    await page.waitForSelector('#dlq-empty');
    assert.equal(await page.locator('#dlq tr[data-message-id]').count(), 0);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    assert.match(await page.locator('#dlq .notice').innerText(), /1 redriven/);
    await shot('dlq-after');
    // The redriven delivery is applied: it shows up in the feed.
    await page.click('#nav-feed');
    await page.waitForSelector(`#feed-rows tr[data-event-id="${envelope.event_id}"]`, { timeout: 15_000 });
  });

  it('shows stats for a chosen window as charts', async () => {
    await page.click('#nav-stats');
    await page.waitForSelector('#stats svg.chart');
    await page.selectOption('#stats select[name=hours]', '1');
    await page.waitForSelector('#stats option[value="1"][selected]', { state: 'attached' });
    assert.ok((await page.locator('#stats svg.chart').count()) >= 2);
    // the cost per day: the one priced call of this run
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text, as the operator sees it
    assert.match(await page.locator('#stats #cost-by-day').innerText(), /0\.0065 USD/);
    await shot('stats');
  });
});
