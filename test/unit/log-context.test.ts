import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnvelope } from '../../lib/envelope/envelope';
import { createLogger } from '../../lib/log';
import { withLogContext } from '../../lib/log-context';
import { processBatch } from '../../lib/worker/process-batch';
import { sqsRecord } from '../helpers/aws-events';

/** Every JSON line the logger writes while `fn` runs. */
async function logLines(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const [out, err] = [process.stdout.write, process.stderr.write];
  const capture = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await fn();
  } finally {
    [process.stdout.write, process.stderr.write] = [out, err];
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

/** Logs an operator can correlate: from API Gateway's access log line to the worker's outcome of that delivery. */
describe('log lines carry the ids of what they are about', () => {
  it('gives every line of a worker record its invocation, SQS message id, event id and ingest request id, records running concurrently', async () => {
    const log = createLogger({ fn: 'worker' }, 'debug');
    const envelopes = ['r-1', 'r-2'].map((requestId, i) => ({
      ...createEnvelope({
        kind: 'call.status',
        route: 'POST /call-status',
        content_type: 'json',
        body: '{}',
        payload: { n: i },
        headers: {},
      }),
      request_id: requestId,
    }));
    const records = envelopes.map((envelope, i) =>
      sqsRecord(JSON.stringify(envelope), { messageId: `m-${i}`, receiveCount: 1 }),
    );
    const deps = {
      // the two records interleave: the first logs after the second started
      apply: async (envelope: { payload: Record<string, unknown> }) => {
        await new Promise((resolve) => setTimeout(resolve, envelope.payload.n === 0 ? 20 : 0));
        log.debug('deep inside a store');
        return 'applied';
      },
      deadLetters: { send: async () => undefined },
      failures: { record: async () => undefined, get: async () => undefined },
      maxReceiveCount: 5,
      log,
    };
    const lines = await logLines(() =>
      withLogContext({ aws_request_id: 'lambda-1' }, () => processBatch(records, deps as never)),
    );
    const deep = lines.filter((line) => line.msg === 'deep inside a store');
    assert.equal(deep.length, 2);
    for (const [i, envelope] of envelopes.entries()) {
      const line = deep.find((l) => l.message_id === `m-${i}`);
      assert.deepEqual(
        [line?.aws_request_id, line?.event_id, line?.ingest_request_id],
        ['lambda-1', envelope.event_id, envelope.request_id],
      );
    }
    const verdicts = lines.filter((l) => l.msg === 'event applied');
    assert.equal(verdicts.length, 2);
    assert.ok(
      verdicts.every(
        (l) =>
          l.aws_request_id === 'lambda-1' &&
          typeof l.message_id === 'string' &&
          typeof l.ingest_request_id === 'string',
      ),
      'the verdict line too',
    );
  });

  it('leaves lines outside any context as they were', async () => {
    const [line] = await logLines(async () => createLogger({ fn: 'ingest' }, 'info').info('cold start'));
    assert.deepEqual(Object.keys(line!).sort(), ['fn', 'level', 'msg', 'time']);
  });
});
