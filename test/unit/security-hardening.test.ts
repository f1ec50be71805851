import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/errors';
import { createLogger } from '../../lib/log';
import { createMetrics, METRICS_NAMESPACE } from '../../lib/metrics';
import { requireHttpsUrl } from '../../lib/security/https-url';
import { REDACTED } from '../../lib/security/redact';
import { redactLogFields } from '../../lib/security/redact-log';

describe('requireHttpsUrl (every URL handed to SignalWire)', () => {
  it('accepts https, and http only to a loopback host', () => {
    for (const url of [
      'https://abc123.execute-api.us-east-1.amazonaws.com/message-status',
      'https://user:pass@hooks.example.com/sw/call-status?secret=x',
      'http://127.0.0.1:3000/message-status',
      'http://localhost:3000/x',
      'http://[::1]:3000/x',
      'http://127.1.2.3/x',
    ]) {
      assert.equal(requireHttpsUrl(url, 'PUBLIC_BASE_URL'), url);
    }
  });

  it('refuses plain http elsewhere, other schemes and relative URLs, naming the setting but never the URL', () => {
    for (const url of [
      'http://hooks.example.com/x',
      'http://user:hunter2@10.0.0.1/x',
      'http://localhost.example.com/',
      'ftp://h/x',
      '/message-status',
      '',
    ]) {
      assert.throws(
        () => requireHttpsUrl(url, 'PUBLIC_BASE_URL'),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /^PUBLIC_BASE_URL /);
          assert.ok(!error.message.includes('hunter2'));
          return true;
        },
      );
    }
  });
});

describe('createMetrics (CloudWatch Embedded Metric Format)', () => {
  it('writes one EMF line per count, with a Stage-only dimension set for alarms and a finer one', () => {
    const lines: string[] = [];
    const metrics = createMetrics({ stage: 'prod', write: (line) => void lines.push(line) });
    metrics.count('WebhookRejected', { Reason: 'signature mismatch' });
    metrics.count('EventApplied');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')));
    const [rejected, applied] = lines.map((line) => JSON.parse(line));
    assert.deepEqual(rejected._aws.CloudWatchMetrics, [
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['Stage'], ['Stage', 'Reason']],
        Metrics: [{ Name: 'WebhookRejected', Unit: 'Count' }],
      },
    ]);
    assert.equal(typeof rejected._aws.Timestamp, 'number');
    assert.deepEqual([rejected.Stage, rejected.Reason, rejected.WebhookRejected], ['prod', 'signature mismatch', 1]);
    assert.deepEqual(applied._aws.CloudWatchMetrics[0].Dimensions, [['Stage']]);
    assert.equal(applied.EventApplied, 1);
  });

  it('never writes an empty dimension value (CloudWatch would drop the line)', () => {
    const lines: string[] = [];
    createMetrics({ stage: 'dev', write: (line) => void lines.push(line) }).count('EventDeadLettered', {
      Category: '',
    });
    assert.equal(JSON.parse(lines[0]!).Category, 'none');
  });
});

describe('redactLogFields (every log line)', () => {
  const fields = {
    headers: {
      authorization: 'Basic c2lnbmFsd2lyZTpodW50ZXIy',
      'x-signalwire-signature': 'abc',
      'X-Twilio-Signature': 'def',
      'content-type': 'application/json',
    },
    url: 'https://user:hunter2@hooks.example.com/call-status?a=1&secret=s3cret',
    apiToken: 'PT123',
    nested: { signing_key: 'PSK_x', list: [{ password: 'p' }] },
    payload: { Body: 'call me at 555', body: 'hi', from: '+15551230000' },
    text: 'From: +15551230000\n\ncall me at 555',
    error: new Error('boom'),
  };

  it('always replaces credentials, signatures and URL secrets, at any depth', () => {
    const redacted = redactLogFields(fields, { redactMessageBodies: false }) as any;
    assert.deepEqual(redacted.headers, {
      authorization: REDACTED,
      'x-signalwire-signature': REDACTED,
      'X-Twilio-Signature': REDACTED,
      'content-type': 'application/json',
    });
    assert.equal(redacted.url, `https://${REDACTED}@hooks.example.com/call-status?a=1&secret=${REDACTED}`);
    assert.equal(redacted.apiToken, REDACTED);
    assert.deepEqual(redacted.nested, { signing_key: REDACTED, list: [{ password: REDACTED }] });
    assert.deepEqual(redacted.payload, fields.payload);
    assert.equal(redacted.error, fields.error);
  });

  it('with REDACT_MESSAGE_BODIES, replaces message text too', () => {
    const redacted = redactLogFields(fields, { redactMessageBodies: true }) as any;
    assert.deepEqual(redacted.payload, { Body: REDACTED, body: REDACTED, from: '+15551230000' });
    assert.equal(redacted.text, REDACTED);
    assert.ok(!JSON.stringify(redacted).includes('call me'));
  });

  it('is applied by the logger to every line it writes', () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => lines.push(chunk) > 0) as typeof process.stdout.write;
    try {
      createLogger({ fn: 'test' }, 'info').info('webhook refused', {
        headers: { authorization: 'Basic c2VjcmV0' },
        url: 'https://h.example/x?secret=s3cret',
      });
    } finally {
      process.stdout.write = write;
    }
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('c2VjcmV0') && !lines[0]!.includes('s3cret'), lines[0]);
    assert.equal(JSON.parse(lines[0]!).headers.authorization, REDACTED);
  });
});
