import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { swmlCallContextFrom } from '../../lib/swml/call-context';
import { loadFixture } from '../helpers/fixtures';

function loadDelivery(file: string): { method: string; url: string; body: string } {
  return loadFixture(file);
}

describe('swmlCallContextFrom', () => {
  it('reads the GET fixture query', () => {
    // given the query SignalWire sent, as the query-string parameters of the request
    const delivery = loadDelivery('swml-fetch-get.json');
    const query = Object.fromEntries(new URL(delivery.url).searchParams);
    // when / then
    assert.deepEqual(swmlCallContextFrom(query), {
      callId: 'c-swml-0002',
      from: '+15559876543',
      to: '+15551234567',
      direction: 'inbound',
    });
  });

  it('reads the POST fixture body', () => {
    const delivery = loadDelivery('swml-fetch-post.json');
    assert.deepEqual(swmlCallContextFrom(JSON.parse(delivery.body)), {
      callId: 'c-swml-0001',
      from: '+15559876543',
      to: '+15551234567',
      direction: 'inbound',
    });
  });

  it('prefers from_number over a SIP from', () => {
    const context = swmlCallContextFrom({
      call: { call_id: 'c', from: 'sip:alice@example.com', from_number: '+15550001111', to: 'sip:desk@example.com' },
    });
    assert.equal(context.from, '+15550001111');
    assert.equal(context.to, 'sip:desk@example.com');
  });

  it('restores a plus sign that a query decoder turned into a space', () => {
    assert.equal(swmlCallContextFrom({ From: ' 15559876543' }).from, '+15559876543');
  });

  it('maps cXML outbound-api onto outbound and takes the first of repeated parameters', () => {
    assert.equal(swmlCallContextFrom({ Direction: 'outbound-api' }).direction, 'outbound');
    assert.equal(swmlCallContextFrom({ From: ['+15550001111', '+15552222222'] }).from, '+15550001111');
  });

  it('tolerates anything: missing, wrong-typed or oversized fields become undefined', () => {
    const empty = { callId: undefined, from: undefined, to: undefined, direction: undefined };
    for (const request of [
      undefined,
      null,
      'x',
      42,
      [],
      {},
      { call: null },
      { call: { call_id: 5, from: {}, direction: 'sideways' } },
    ]) {
      assert.deepEqual(swmlCallContextFrom(request), empty, JSON.stringify(request));
    }
    assert.equal(swmlCallContextFrom({ CallSid: 'x'.repeat(300) }).callId, undefined);
  });
});
