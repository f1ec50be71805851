import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startAutoReplyStack } from '../helpers/auto-reply-stack';
import { postAsSignalWire } from '../helpers/post-as-signalwire';
import { waitFor } from '../helpers/wait';

const OUR_NUMBER = '+15551234567';
const SIGNING_KEY = 'PSK_receipts_signing_key_0123456789';

// Each way a stage can check its callers, alone or together; secrets in a rotation (JSON lists) on purpose.
const CHECKS: Record<string, Record<string, string>> = {
  'Basic auth only': { WEBHOOK_BASIC_AUTH: '["old-user:old-pass","sw-user:p@ss w:rd/1"]' },
  'the query secret only': { WEBHOOK_QUERY_SECRET: '["old-secret","new secret&more"]' },
  'a signing key, Basic auth and the query secret': {
    SIGNALWIRE_SIGNING_KEY: SIGNING_KEY,
    WEBHOOK_BASIC_AUTH: 'sw-user:pw',
    WEBHOOK_QUERY_SECRET: 'qs-1',
  },
};

const newest = (value: string | undefined) =>
  value === undefined ? undefined : value.startsWith('[') ? (JSON.parse(value) as string[]).at(-1) : value;

/**
 * The receipts of our own auto-replies come back through our own checks: the StatusCallback we give SignalWire
 * carries what the stage's checks ask of a caller (Basic credentials in the URL, the query secret), so a stage
 * without a signing key accepts them and the reply reaches `delivered`.
 */
describe("an auto-reply's delivery receipts pass the stage's own webhook checks", { timeout: 180_000 }, () => {
  for (const [title, secrets] of Object.entries(CHECKS)) {
    it(`with ${title}`, async () => {
      const harness = await startAutoReplyStack({ signalwireTimeoutMs: 2000, environment: secrets });
      const { fake, stack } = harness;
      try {
        const basic = newest(secrets.WEBHOOK_BASIC_AUTH);
        const query = newest(secrets.WEBHOOK_QUERY_SECRET);
        // given a HELP that passes the stage's checks, as SignalWire sends it to the URL the user configured
        const inbound = new URL(`${stack.url}/incoming-sms`);
        if (basic !== undefined)
          [inbound.username, inbound.password] = [
            basic.slice(0, basic.indexOf(':')),
            basic.slice(basic.indexOf(':') + 1),
          ];
        if (query !== undefined) inbound.searchParams.set('secret', query);
        const id = `receipt-${Object.keys(secrets).length}-${Date.now()}`;
        const help = { MessageSid: id, From: '+15550001111', To: OUR_NUMBER, Body: 'HELP', AccountSid: 'p-test' };
        assert.equal((await postAsSignalWire(inbound.href, help, secrets.SIGNALWIRE_SIGNING_KEY)).status, 200);
        // when the reply went out and SignalWire reports it delivered at the StatusCallback it was given
        const sid = (await harness.replies.status(id, 'sent')).auto_reply.reply_sid as string;
        const callback = fake.created.find((m) => m.sid === sid)!.statusCallback!;
        const receipt = {
          MessageSid: sid,
          MessageStatus: 'delivered',
          From: OUR_NUMBER,
          To: '+15550001111',
          AccountSid: 'p-test',
        };
        const answer = await postAsSignalWire(callback, receipt, secrets.SIGNALWIRE_SIGNING_KEY);
        // then the stage accepted the receipt and the reply is delivered
        assert.equal(answer.status, 200, `receipt refused: ${await answer.text()}`);
        await waitFor(
          async () => ((await harness.replies.show(sid))?.status === 'delivered' ? true : undefined),
          15_000,
          'reply delivered',
        );
        // and without what the callback carries, the same receipt is refused: the checks are really on
        const bare = await postAsSignalWire(`${stack.url}/message-status`, receipt);
        assert.equal(bare.status, 401);
      } finally {
        await harness.stop();
      }
    });
  }
});
