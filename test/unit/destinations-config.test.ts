import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeliveryJob } from '../../lib/destinations/delivery-job';
import { destinationsFor, parseDestinations } from '../../lib/destinations/destination';
import { ConfigError, PermanentError } from '../../lib/errors';
import { callEndedEvent, jobBody } from '../helpers/delivery-jobs';

const refused = (json: string, reason: RegExp, options?: { allowLoopback?: boolean }) =>
  assert.throws(
    () => parseDestinations(json, options),
    (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, reason);
      return true;
    },
    json,
  );

describe('parseDestinations (the destinations param, checked at cold start)', () => {
  it('reads names, https urls and types; blank means none; no types means every type', () => {
    assert.deepEqual(parseDestinations(undefined), []);
    assert.deepEqual(parseDestinations('  '), []);
    assert.deepEqual(parseDestinations('[]'), []);
    const destinations = parseDestinations(
      JSON.stringify([
        { name: 'crm', url: 'https://crm.example.com/hooks', types: ['Call Ended', 'Call Ended'] },
        { name: 'audit_log-2', url: 'https://203.0.113.7:8443/in?token=x' },
      ]),
    );
    assert.deepEqual(destinations, [
      { name: 'crm', url: 'https://crm.example.com/hooks', types: ['Call Ended'] },
      { name: 'audit_log-2', url: 'https://203.0.113.7:8443/in?token=x' },
    ]);
  });

  it('refuses, naming the entry: bad JSON, not a list, bad or repeated names, unknown keys and types', () => {
    refused('{', /not JSON/);
    refused('{"name":"crm"}', /must be a JSON list/);
    refused('["crm"]', /destinations\[0\]: must be an object/);
    refused('[{"url":"https://a.example.com"}]', /destinations\[0\]: name must be 1 to 64/);
    refused('[{"name":"a b","url":"https://a.example.com"}]', /destinations\[0\]: name must be/);
    refused(`[{"name":"${'x'.repeat(65)}","url":"https://a.example.com"}]`, /name must be 1 to 64/);
    refused(
      '[{"name":"crm","url":"https://a.example.com"},{"name":"crm","url":"https://b.example.com"}]',
      /destinations\[1\] "crm": name used twice/,
    );
    refused('[{"name":"crm","url":"https://a.example.com","type":["Call Ended"]}]', /"crm": unknown key type/);
    refused(
      '[{"name":"crm","url":"https://a.example.com","types":["Call Finished"]}]',
      /unknown event type "Call Finished"/,
    );
    refused('[{"name":"crm","url":"https://a.example.com","types":[]}]', /types must be a non-empty list/);
    refused('[{"name":"crm","url":"https://a.example.com","types":"Call Ended"}]', /types must be a non-empty list/);
  });

  it('refuses a url that is not https, carries credentials, or is a private address; never quoting the url', () => {
    refused(
      '[{"name":"crm","url":"http://crm.example.com/hooks?key=s3cret"}]',
      /"crm": url must be https, got http:\/\/$/,
    );
    refused('[{"name":"crm","url":"not a url"}]', /url is not an absolute URL/);
    refused('[{"name":"crm","url":"https://user:pw@crm.example.com"}]', /carries credentials/);
    refused('[{"name":"crm","url":"https://10.1.2.3/hooks"}]', /host 10\.1\.2\.3 is private/);
    refused('[{"name":"crm","url":"https://169.254.169.254/latest"}]', /is link-local/);
    refused('[{"name":"crm","url":"https://[fd00::1]/hooks"}]', /is private/);
    refused('[{"name":"crm","url":"https://127.0.0.1/hooks"}]', /is loopback/);
    assert.throws(
      () => parseDestinations('[{"name":"crm","url":"http://crm.example.com/hooks?key=s3cret"}]'),
      (error: Error) => !error.message.includes('s3cret'),
    );
  });

  it('lets http to loopback through only with the local flag, and never another http host', () => {
    refused('[{"name":"local","url":"http://127.0.0.1:9000/hooks"}]', /must be https/);
    const local = { allowLoopback: true };
    assert.equal(parseDestinations('[{"name":"a","url":"http://127.0.0.1:9000/h"}]', local).length, 1);
    assert.equal(parseDestinations('[{"name":"a","url":"http://localhost:9000/h"}]', local).length, 1);
    assert.equal(parseDestinations('[{"name":"a","url":"http://[::1]:9000/h"}]', local).length, 1);
    refused('[{"name":"a","url":"http://crm.example.com/h"}]', /must be https/, local);
    refused('[{"name":"a","url":"https://192.168.1.2/h"}]', /is private/, local);
  });
});

describe('destinationsFor (the worker fan-out)', () => {
  const destinations = parseDestinations(
    JSON.stringify([
      { name: 'crm', url: 'https://crm.example.com/hooks', types: ['Call Ended'] },
      { name: 'all', url: 'https://all.example.com/hooks' },
      { name: 'sms', url: 'https://sms.example.com/hooks', types: ['Message Received', 'Message Status Changed'] },
    ]),
  );
  it('picks the destinations that want the type, and those that want every type', () => {
    const names = (type: Parameters<typeof destinationsFor>[0]) =>
      destinationsFor(type, destinations).map((d) => d.name);
    assert.deepEqual(names('Call Ended'), ['crm', 'all']);
    assert.deepEqual(names('Message Received'), ['all', 'sms']);
    assert.deepEqual(names('SWML Fetched'), ['all']);
    assert.deepEqual(destinationsFor('Call Ended', []), []);
  });
});

describe('parseDeliveryJob (the DestinationsQueue message)', () => {
  it('reads back what the worker queues', () => {
    const event = callEndedEvent();
    assert.deepEqual(parseDeliveryJob(jobBody('crm', event)), { version: 1, destination: 'crm', event });
  });

  it('refuses what is no job, as a PermanentError (dead-lettered at once)', () => {
    const event = callEndedEvent();
    for (const [body, reason] of [
      ['nope', /not JSON/],
      ['{"version":2}', /not a delivery job/],
      [JSON.stringify({ version: 1, event }), /no destination/],
      [JSON.stringify({ version: 1, destination: 'crm' }), /no event/],
      [JSON.stringify({ version: 1, destination: 'crm', event: { ...event, id: '' } }), /no id/],
      [JSON.stringify({ version: 1, destination: 'crm', event: { ...event, type: 'Call Done' } }), /unknown type/],
      [JSON.stringify({ version: 1, destination: 'crm', event: { ...event, version: 2 } }), /not version 1/],
    ] as const) {
      assert.throws(
        () => parseDeliveryJob(body),
        (error) => error instanceof PermanentError && reason.test(error.message),
        body,
      );
    }
  });
});
