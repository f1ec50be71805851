import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { deliverJob } from '../../lib/destinations/deliver-job';
import { parseDeliveryJob } from '../../lib/destinations/delivery-job';
import type { PostRequest } from '../../lib/destinations/post-event';
import { checkSigningSecret, signEvent } from '../../lib/destinations/sign-event';
import { DependencyError } from '../../lib/errors';
import { callEndedEvent, jobBody, newSigningSecret } from '../helpers/delivery-jobs';

describe('signing a delivery (Standard Webhooks), checked as a receiver checks it', () => {
  it("signs what is sent: standardwebhooks' Webhook.verify accepts it and gives back the event", () => {
    const secret = newSigningSecret();
    const event = callEndedEvent();
    const payload = JSON.stringify(event);
    const headers = signEvent(secret, event.id, new Date(), payload);
    assert.equal(headers['webhook-id'], event.id);
    assert.match(headers['webhook-timestamp'], /^\d{10}$/);
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(new Webhook(secret).verify(payload, { ...headers }), event);
  });

  it('a receiver refuses it with another secret, another body, another id or an old timestamp', () => {
    const secret = newSigningSecret();
    const event = callEndedEvent();
    const payload = JSON.stringify(event);
    const headers = { ...signEvent(secret, event.id, new Date(), payload) };
    const refuses = (check: () => unknown) => assert.throws(check, WebhookVerificationError);
    refuses(() => new Webhook(newSigningSecret()).verify(payload, headers));
    refuses(() => new Webhook(secret).verify(payload.replace('42', '43'), headers));
    refuses(() => new Webhook(secret).verify(payload, { ...headers, 'webhook-id': 'evt_other' }));
    const old = signEvent(secret, event.id, new Date(Date.now() - 10 * 60_000), payload);
    refuses(() => new Webhook(secret).verify(payload, { ...old }));
  });

  it('deliverJob signs the very text it POSTs, with the event id as webhook-id, JSON and a user agent', async () => {
    const secret = newSigningSecret();
    const job = parseDeliveryJob(jobBody('crm'));
    const posted: PostRequest[] = [];
    const verdict = await deliverJob(
      job,
      { name: 'crm', url: 'https://crm.example.com/hooks' },
      {
        resolveHost: async () => ['203.0.113.10'],
        allowLoopback: false,
        signingSecret: async (name) => (name === 'crm' ? secret : 'whsec_wrong'),
        post: async (request) => {
          posted.push(request);
          return { kind: 'answered', status: 204, body: '' };
        },
        timeoutMs: 10_000,
        maxBodyBytes: 4096,
      },
    );
    assert.deepEqual(verdict, { kind: 'delivered', status: 204 });
    const [request] = posted;
    assert.ok(request);
    assert.equal(request.url.href, 'https://crm.example.com/hooks');
    assert.equal(request.address, '203.0.113.10', 'connects to the address it checked');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.match(request.headers['user-agent']!, /signalwire-webhooks/);
    assert.equal(request.body, JSON.stringify(job.event));
    assert.deepEqual(new Webhook(secret).verify(request.body, { ...request.headers }), job.event);
  });

  it('accepts whsec_ and 24 to 64 bytes of base64 only, naming the parameter and never the value', () => {
    const parameter = '/signalwire-webhooks/dev/destinations/crm';
    const secret = newSigningSecret();
    assert.equal(checkSigningSecret(` ${secret}\n`, parameter), secret);
    for (const [value, reason] of [
      [randomBytes(32).toString('base64'), /does not start with whsec_/],
      ['whsec_not base64!', /is not whsec_<base64>/],
      [`whsec_${randomBytes(8).toString('base64')}`, /holds 8 bytes/],
      [`whsec_${randomBytes(100).toString('base64')}`, /holds 100 bytes/],
    ] as const) {
      assert.throws(
        () => checkSigningSecret(value, parameter),
        (error) =>
          error instanceof DependencyError &&
          reason.test(error.message) &&
          error.message.includes(parameter) &&
          !error.message.includes(value.slice(6, 20)),
        value,
      );
    }
  });
});
