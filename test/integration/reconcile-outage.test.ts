import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { showCall } from '../../cli/commands/calls';
import { showMessage } from '../../cli/commands/messages';
import { showStats } from '../../cli/commands/stats';
import { resolveTarget, type Target } from '../../cli/target';
import { createArchiveStore, type ArchiveStore } from '../../lib/archive/archive-store';
import type { ReconcileReport } from '../../lib/reconcile/run-reconcile';
import { GetCommand } from '../../lib/store/commands';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { postAsSignalWire } from '../helpers/post-as-signalwire';
import { createSignalWireSender, type SenderDelivery, type SignalWireSender } from '../helpers/signalwire-sender';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const OUR_NUMBER = '+15551234567';
const PROJECT = 'p-test';
const TOKEN = 'PT_reconcile_outage_token';
const SIGNALWIRE_ENV = { SIGNALWIRE_PROJECT_ID: PROJECT, SIGNALWIRE_API_TOKEN: TOKEN };

/**
 * What the reconciler brings back when SignalWire's callbacks never reached us, end to end: the real local stack
 * (ingest, queue, worker, DynamoDB), the stand-in SignalWire REST API and its webhook sender, and the real reconciler
 * function run as its schedule runs it (`stack.invoke`). The outage is real: the functions reach SQS through a TCP
 * proxy that is cut, so the ingest answers 503 (it cannot queue), SignalWire's sender retries and gives up, and only
 * the REST API still knows what happened.
 */
describe('the reconciler after lost callbacks (local stack, stand-in SignalWire, real reconciler runs)', {
  timeout: 120_000,
}, () => {
  let fake: FakeSignalWire;
  let stack: TestStack;
  let sqsProxy: TcpProxy | undefined;
  let target: Target;
  let archive: ArchiveStore;
  let sender: SignalWireSender;

  before(async () => {
    fake = await startFakeSignalWire();
    fake.requireToken(TOKEN);
    stack = await startTestStack({
      environment: {
        SIGNALWIRE_SPACE_URL: fake.url,
        ...SIGNALWIRE_ENV,
        SIGNALWIRE_TIMEOUT_MS: '2000',
        // Ask about every open record at once, whatever the age of its last change.
        RECONCILE_CALL_WINDOW_MINUTES: '0',
        RECONCILE_MESSAGE_WINDOW_MINUTES: '0',
      },
      // Every function's SQS (the ingest's SendMessage, the reconciler's reports) through a proxy the outage cuts.
      functionEndpoint: async (service, endpoint) => {
        if (service !== 'sqs') return endpoint;
        sqsProxy = await startTcpProxy({ port: Number(new URL(endpoint).port) });
        return sqsProxy.endpoint;
      },
    });
    target = await resolveTarget({ stackFile: stack.stackFile });
    archive = createArchiveStore(target.table);
    // SignalWire's retries (1 s, 2 s, 4 s) ten times faster; the same four tries before it gives up.
    sender = createSignalWireSender({ baseUrl: stack.url, retryDelayMs: 100, accountSid: PROJECT });
  });
  after(async () => {
    target?.close();
    await stack?.stop();
    await sqsProxy?.close();
    await fake?.close();
  });

  const reconcile = async () =>
    (await stack.invoke('reconciler', stack.scheduledEvent('reconciler'))) as ReconcileReport;
  const call = (id: string): Promise<any> => showCall(target, id).catch(() => undefined);
  const message = (id: string): Promise<any> => showMessage(target, id).catch(() => undefined);
  const item = async (pk: string) =>
    (
      await target.table.client.send(
        new GetCommand({
          TableName: target.table.tableName,
          Key: { pk, sk: pk.slice(0, pk.indexOf('#')) },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const isOpen = async (pk: string) => (await item(pk))?.open_pk !== undefined;
  /** Waits until every check holds (each reads a record and says whether it is as expected). */
  const until = (what: string, checks: (() => Promise<boolean>)[], timeoutMs = 10_000) =>
    waitFor(
      async () => ((await Promise.all(checks.map((c) => c()))).every(Boolean) ? true : undefined),
      timeoutMs,
      what,
    );
  /** The reconciler's GETs of one call or message at the stand-in API. */
  const lookupsOf = (id: string) =>
    fake.requests.filter((r) => r.method === 'GET' && !r.path.includes('.json?') && r.path.includes(id)).length;
  const changeFor = (report: ReconcileReport, id: string) => report.changes.find((c) => c.id === id);
  const allDelivered = (results: SenderDelivery[][]) =>
    assert.ok(
      results.flat().every((r) => r.delivered),
      results
        .flat()
        .map((r) => `${r.lastStatus}`)
        .join(' '),
    );
  /** A call whose `answered` reached us and whose end did not (SignalWire's record moves; its callback is lost). */
  const callWithLostEnd = async (sid: string, end: { duration: number; price?: number; priceAfterMs?: number }) => {
    const known = { sid, from: '+15550002000', to: OUR_NUMBER, direction: 'inbound' };
    allDelivered([await sender.callLifecycle(fake, known, [{ status: 'ringing' }, { status: 'in-progress' }])]);
    await until(`${sid} answered`, [async () => (await call(sid))?.state === 'answered']);
    const [lost] = await sender.callLifecycle(fake, known, [{ status: 'completed', deliver: false, ...end }]);
    assert.equal(lost?.lastStatus, 'skipped');
  };
  const archivedReports = async (naturalKey: string) =>
    (await archive.listProcessed(new Date(Date.now() - 600_000).toISOString())).filter(
      (e) => e.natural_key === naturalKey && e.source === 'reconcile',
    );

  it('after an outage the sender gave up on, one run restores each call and message; a later one adds the late price', async () => {
    // given calls in progress and messages on their way, their callbacks delivered so far
    const answeredCall = { sid: 'CA-outage-answered', from: '+15550001001', to: OUR_NUMBER, direction: 'inbound' };
    const ringingCall = { sid: 'CA-outage-ringing', from: OUR_NUMBER, to: '+15550001002', direction: 'outbound-api' };
    const relayCall = {
      sid: 'relay-outage-call',
      segmentId: 'seg-outage-call',
      api: 'voice-logs' as const,
      from: '+15550001003',
      to: OUR_NUMBER,
      direction: 'inbound',
    };
    const relayMessage = {
      sid: 'relay-outage-message',
      api: 'messaging-logs' as const,
      from: OUR_NUMBER,
      to: '+15550001004',
      direction: 'outbound',
      body: 'your code is 1234',
    };
    // and a HELP whose auto-reply went out (SignalWire's reply record says `sent`; we hold it `queued`)
    const help = {
      MessageSid: 'SM-outage-help',
      From: '+15550001005',
      To: OUR_NUMBER,
      Body: 'HELP',
      AccountSid: PROJECT,
    };
    const [helped, ...delivered] = await Promise.all([
      postAsSignalWire(`${stack.url}/incoming-sms`, help),
      sender.callLifecycle(fake, answeredCall, [{ status: 'ringing' }, { status: 'in-progress' }]),
      sender.callLifecycle(fake, ringingCall, [{ status: 'queued' }, { status: 'ringing' }]),
      sender.callLifecycle(fake, relayCall, [{ status: 'ringing' }, { status: 'answered' }]),
      sender.messageLifecycle(fake, relayMessage, [{ status: 'sent' }]),
    ]);
    assert.equal(helped.status, 200);
    allDelivered(delivered);
    const replySid = await waitFor(
      async () => {
        const inbound = await message(help.MessageSid);
        return inbound?.auto_reply?.status === 'sent' ? (inbound.auto_reply.reply_sid as string) : undefined;
      },
      10_000,
      'the auto-reply sent',
    );
    await until('every record as its callbacks left it', [
      async () => (await call(answeredCall.sid))?.state === 'answered',
      async () => (await call(ringingCall.sid))?.state === 'ringing',
      async () => (await call(relayCall.sid))?.state === 'answered',
      async () => (await message(relayMessage.sid))?.status === 'sent',
      async () => (await message(replySid))?.status === 'queued',
    ]);

    // when SQS becomes unreachable for the functions, and meanwhile the calls end and the messages are delivered
    sqsProxy!.setMode('reset');
    const endedAt = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const lost = Promise.all([
      sender.callLifecycle(fake, answeredCall, [
        // priced long after the end (the test makes the price appear below)
        { status: 'completed', at: endedAt, duration: 31, price: 0.0065, priceAfterMs: 600_000 },
      ]),
      sender.callLifecycle(fake, ringingCall, [{ status: 'no-answer' }]),
      sender.callLifecycle(fake, relayCall, [
        { status: 'completed', duration: 47, price: 0.0094, priceAfterMs: 600_000 },
      ]),
      sender.messageLifecycle(fake, replySid, [{ status: 'delivered', price: 0.0079 }]),
      sender.messageLifecycle(fake, relayMessage.sid, [{ status: 'delivered', price: 0.0081 }]),
    ]).then((each) => ({ results: each.flat(), gaveUpAt: Date.now() }));
    // a scheduled run in the outage learns it all but cannot queue it: every record stays open for the next run
    const during = await reconcile();
    const { results, gaveUpAt } = await lost;
    // then the ingest refused every try with 503 and SignalWire gave up on each callback
    assert.deepEqual(
      results.map((r) => [r.delivered, r.attempts, r.lastStatus]),
      results.map(() => [false, 4, 503]),
    );
    const outageIds = [answeredCall.sid, ringingCall.sid, relayCall.sid, replySid, relayMessage.sid];
    // (what SignalWire knows them by: a RELAY call by its segment id)
    const lookupIds = [answeredCall.sid, ringingCall.sid, relayCall.segmentId, replySid, relayMessage.sid];
    assert.deepEqual(during.changes, []);
    assert.deepEqual(
      outageIds.filter((id) => !during.failed.some((f) => f.id === id)),
      [],
      `failed: ${JSON.stringify(during.failed)}`,
    );
    assert.equal((await call(answeredCall.sid))?.state, 'answered', 'nothing got through');

    // when the outage ends and the reconciler runs right away
    sqsProxy!.setMode('forward');
    const first = await reconcile();
    await until('restored', [
      async () => {
        const c = await call(answeredCall.sid);
        return c?.state === 'ended' && c.duration_seconds === 31;
      },
      async () => (await call(ringingCall.sid))?.end_reason === 'no-answer',
      async () => {
        const c = await call(relayCall.sid);
        return c?.state === 'ended' && c.duration_seconds === 47;
      },
      async () => (await message(replySid))?.price === 0.0079,
      async () => (await message(relayMessage.sid))?.price === 0.0081,
    ]);
    // (read as `webhooks calls show` / `messages show` read them: the commands' own functions, in this process)
    const restoredIn = Date.now() - gaveUpAt;
    console.log(`reconcile outage: gave up -> restored in ${restoredIn} ms`);
    // then each call has its final state and SignalWire's duration, each message its status and price
    assert.deepEqual(first.failed, []);
    const answered = await call(answeredCall.sid);
    assert.deepEqual([answered.end_reason, answered.price], ['completed', null]);
    // SignalWire's own end time, not the time the report arrived
    assert.deepEqual(answered.timeline.at(-1), { state: 'ended', at: new Date(endedAt).toISOString() });
    const relay = await call(relayCall.sid);
    assert.equal(relay.price, null);
    const reply = await message(replySid);
    assert.deepEqual([reply.status, reply.direction, reply.price_unit], ['delivered', 'outbound', 'USD']);
    assert.equal((await message(relayMessage.sid)).status, 'delivered');
    // the first run after the end saw no price yet: the answered calls stay open for it, the unanswered one is done
    for (const sid of [answeredCall.sid, relayCall.sid]) {
      assert.deepEqual(
        [changeFor(first, sid)?.missing, changeFor(first, sid)?.to, changeFor(first, sid)?.price],
        ['state', 'ended', undefined],
      );
      assert.equal(await isOpen(`CALL#${sid}`), true, `${sid} waits for its price`);
    }
    assert.equal(await isOpen(`CALL#${ringingCall.sid}`), false, 'not answered: nothing to bill');
    assert.equal(await isOpen(`MESSAGE#${replySid}`), false);

    // when SignalWire has priced the calls, the next run adds the price and closes them
    for (const sid of [answeredCall.sid, relayCall.sid]) fake.updateCall(sid, { priceAfterMs: 0 });
    const later = await reconcile();
    assert.deepEqual(
      [answeredCall.sid, relayCall.sid].map((sid) => [changeFor(later, sid)?.missing, changeFor(later, sid)?.price]),
      [
        ['cost', 0.0065],
        ['cost', 0.0094],
      ],
    );
    await until('priced', [
      async () => (await call(answeredCall.sid))?.price === 0.0065,
      async () => (await call(relayCall.sid))?.price === 0.0094,
      async () => !(await isOpen(`CALL#${answeredCall.sid}`)) && !(await isOpen(`CALL#${relayCall.sid}`)),
    ]);
    console.log(`reconcile outage: gave up -> priced in ${Date.now() - gaveUpAt} ms (SignalWire priced it first)`);
    // and a further run does not ask about any of them again
    const asked = lookupIds.map(lookupsOf);
    assert.ok(
      asked.every((n) => n >= 2),
      `asked ${asked}`,
    );
    await reconcile();
    assert.deepEqual(lookupIds.map(lookupsOf), asked);
  });

  it("a call whose `answered` arrived and whose `ended` was lost: restored with SignalWire's duration and price", async () => {
    // given
    await callWithLostEnd('CA-lost-end', { duration: 75, price: 0.0123 });
    // when
    const report = await reconcile();
    // then
    assert.deepEqual(changeFor(report, 'CA-lost-end'), {
      kind: 'call',
      id: 'CA-lost-end',
      from: 'answered',
      missing: 'state',
      to: 'ended',
      price: 0.0123,
      priceUnit: 'USD',
    });
    const restored = await waitFor(async () => {
      const c = await call('CA-lost-end');
      return c?.state === 'ended' && c.price !== null ? c : undefined;
    });
    assert.deepEqual(
      [restored.end_reason, restored.duration_seconds, restored.price, restored.price_unit],
      ['completed', 75, 0.0123, 'USD'],
    );
    assert.match(restored.reconciled_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(await isOpen('CALL#CA-lost-end'), false);
  });

  it('a message whose receipt never came: restored to delivered with its price', async () => {
    // given a message the user's app sent: its `sent` receipt reached us, its `delivered` one never did
    const sent = { sid: 'SM-lost-receipt', from: OUR_NUMBER, to: '+15550003000', direction: 'outbound-api' };
    allDelivered([await sender.messageLifecycle(fake, sent, [{ status: 'sent' }])]);
    await until('sent', [async () => (await message(sent.sid))?.status === 'sent']);
    await sender.messageLifecycle(fake, sent.sid, [{ status: 'delivered', price: 0.0079, deliver: false }]);
    // when
    const report = await reconcile();
    // then
    assert.deepEqual(
      [changeFor(report, sent.sid)?.missing, changeFor(report, sent.sid)?.to, changeFor(report, sent.sid)?.price],
      ['state', 'delivered', 0.0079],
    );
    const restored = await waitFor(async () => {
      const m = await message(sent.sid);
      return m?.status === 'delivered' && m.price !== null ? m : undefined;
    });
    assert.deepEqual([restored.price, restored.price_unit], [0.0079, 'USD']);
    assert.equal(await isOpen(`MESSAGE#${sent.sid}`), false);
  });

  it('a call SignalWire does not know is marked unknown with its reason, and is not asked about again', async () => {
    // given a ringing call SignalWire has forgotten
    const known = { sid: 'CA-forgotten', from: '+15550004000', to: OUR_NUMBER, direction: 'inbound' };
    allDelivered([await sender.callLifecycle(fake, known, [{ status: 'ringing' }])]);
    await until('ringing', [async () => (await call(known.sid))?.state === 'ringing']);
    assert.equal(fake.forget(known.sid), true);
    // when
    const report = await reconcile();
    // then
    assert.deepEqual(changeFor(report, known.sid), {
      kind: 'call',
      id: known.sid,
      from: 'ringing',
      missing: 'unknown',
      reason: 'SignalWire does not know this call',
    });
    const marked = await waitFor(async () => {
      const c = await call(known.sid);
      return c?.reconcile === 'unknown' ? c : undefined;
    });
    assert.deepEqual(
      [marked.state, marked.reconcile_reason, marked.price],
      ['ringing', 'SignalWire does not know this call', null],
    );
    assert.equal(await isOpen(`CALL#${known.sid}`), false);
    // and a second run does not ask about it: it left the open index
    assert.equal(lookupsOf(known.sid), 1);
    const second = await reconcile();
    assert.equal(changeFor(second, known.sid), undefined);
    assert.equal(lookupsOf(known.sid), 1);
  });

  it("429s: the run waits for SignalWire's Retry-After, still restores everything, and counts them", async () => {
    // given three calls whose end was lost, and SignalWire limiting the next three requests
    const sids = ['CA-limited-1', 'CA-limited-2', 'CA-limited-3'];
    const prices = [0.011, 0.012, 0.013];
    await Promise.all(sids.map((sid, i) => callWithLostEnd(sid, { duration: 10 + i, price: prices[i]! })));
    const limitedBefore = fake.rateLimited;
    fake.rateLimitNext(3, 1);
    // when
    const started = Date.now();
    const report = await reconcile();
    const elapsed = Date.now() - started;
    // then
    assert.equal(fake.rateLimited - limitedBefore, 3);
    assert.equal(report.rateLimited, 3);
    assert.ok(elapsed >= 950, `the run went on after ${elapsed} ms, before the 1 s Retry-After`);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(
      sids.map((sid) => [changeFor(report, sid)?.to, changeFor(report, sid)?.price]),
      sids.map((_sid, i) => ['ended', prices[i]]),
    );
    await until(
      'all three restored',
      sids.map((sid, i) => async () => {
        const c = await call(sid);
        return c?.state === 'ended' && c.duration_seconds === 10 + i && c.price === prices[i];
      }),
    );
  });

  it('`webhooks reconcile --dry-run --json` prints the change and sends nothing; without it, applies it', async () => {
    // given a call whose end was lost, and SignalWire's credentials in the operator's shell
    await callWithLostEnd('CA-cli', { duration: 64, price: 0.0111 });
    const saved = { ...process.env };
    Object.assign(process.env, { SIGNALWIRE_SPACE_URL: fake.url, ...SIGNALWIRE_ENV });
    try {
      // when a dry run
      const dry = await stack.cli(['reconcile', '--dry-run']);
      // then it prints the change
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.json.dryRun, true);
      assert.deepEqual(
        [changeFor(dry.json, 'CA-cli')?.from, changeFor(dry.json, 'CA-cli')?.to, changeFor(dry.json, 'CA-cli')?.price],
        ['answered', 'ended', 0.0111],
      );
      // and sends nothing: the record is unchanged (and below, only the real run's report reached the worker)
      const untouched = await call('CA-cli');
      assert.deepEqual([untouched.state, untouched.price, untouched.reconciled_at], ['answered', null, null]);
      // when run for real
      const real = await stack.cli(['reconcile']);
      // then the same change is applied
      assert.equal(real.code, 0, real.stderr);
      assert.equal(real.json.dryRun, false);
      assert.equal(changeFor(real.json, 'CA-cli')?.price, 0.0111);
      const applied = await waitFor(async () => {
        const c = await call('CA-cli');
        return c?.state === 'ended' && c.price !== null ? c : undefined;
      });
      assert.deepEqual([applied.duration_seconds, applied.price], [64, 0.0111]);
      // the dry run's report, had it sent one, was queued before this one: one report, the real run's
      const reports = await waitFor(async () => {
        const all = await archivedReports('call:CA-cli:ended');
        return all.length > 0 ? all : undefined;
      });
      assert.deepEqual(
        reports.map((e) => e.status),
        ['applied'],
      );
    } finally {
      for (const name of Object.keys(SIGNALWIRE_ENV).concat('SIGNALWIRE_SPACE_URL'))
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
    }
  });

  it('two runs at once: one final state, one price, counted once', async () => {
    // given a call whose end was lost
    await callWithLostEnd('CA-twice', { duration: 52, price: 0.0207 });
    const stats = await showStats(target, {});
    // when two scheduled runs overlap
    const reports = await Promise.all([reconcile(), reconcile()]);
    // then of the reports the two runs sent, one advanced the call; the other changed nothing more
    const sent = reports.filter((r) => changeFor(r, 'CA-twice') !== undefined).length;
    assert.ok(sent >= 1);
    assert.deepEqual(
      reports.flatMap((r) => r.failed),
      [],
    );
    const entries = await waitFor(
      async () => {
        const all = await archivedReports('call:CA-twice:ended');
        return all.length >= sent ? all : undefined;
      },
      10_000,
      `${sent} archived reports`,
    );
    const outcomes = entries.map((e) => e.outcome);
    assert.equal(outcomes.filter((o) => o.startsWith('advanced')).length, 1, outcomes.join(' | '));
    const twice = await call('CA-twice');
    assert.equal(twice.timeline.filter((t: { state: string }) => t.state === 'ended').length, 1);
    assert.deepEqual([twice.duration_seconds, twice.price], [52, 0.0207]);
    // and the stats count its price once
    const after = await showStats(target, {});
    assert.equal(after.calls.priced, stats.calls.priced + 1);
    assert.equal(
      Math.round(((after.calls.cost.USD ?? 0) - (stats.calls.cost.USD ?? 0)) * 1e6) / 1e6,
      0.0207,
      JSON.stringify([stats.calls, after.calls]),
    );
  });
});
