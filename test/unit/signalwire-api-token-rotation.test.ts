import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cachedParameterReader } from '../../lib/config/ssm-parameters';
import { createMetrics } from '../../lib/metrics';
import { readSignalWireApiSettings, signalWireApi } from '../../lib/signalwire/api-from-env';
import { CredentialsRefusedError } from '../../lib/signalwire/rest-responses';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';

/**
 * A rotated SignalWire API token reaches a running worker: through the 5-minute parameter cache, and at once after
 * SignalWire refused the old one. SSM cannot run here: an in-memory parameter store stands in for GetParameters.
 */
describe('SignalWire API token rotation (fake SignalWire, in-memory SSM stand-in)', () => {
  let fake: FakeSignalWire;
  before(async () => (fake = await startFakeSignalWire()));
  after(() => fake?.close());

  it('REGRESSION: after a 401 the token is read again at once, counted in SignalWireAuthRefused, and the next send works', async () => {
    // given a worker whose token parameter holds the old token, and a space that accepts only the new one
    const parameters = new Map([['/sw/token', 'PT_old']]);
    let ssmReads = 0;
    const readParameter = cachedParameterReader(async (names) => {
      ssmReads += 1;
      return new Map(
        names.flatMap((name) => (parameters.has(name) ? [[name, parameters.get(name)!] as [string, string]] : [])),
      );
    });
    const lines: string[] = [];
    const env = {
      SIGNALWIRE_SPACE_URL: fake.url,
      SIGNALWIRE_PROJECT_ID: 'p-1',
      SIGNALWIRE_API_TOKEN_PARAMETER: '/sw/token',
    };
    const metrics = createMetrics({ stage: 'test', write: (line) => lines.push(line) });
    // The hook as the worker's composition root (lib/worker/compose-worker.ts) wires it.
    const apiOf = signalWireApi(readSignalWireApiSettings(env), readParameter, {
      onCredentialsRefused: () => metrics.count('SignalWireAuthRefused'),
    });
    const messaging = { messages: { reply: { api: apiOf } } };
    fake.requireToken('PT_new');
    const message = { from: '+15551234567', to: '+15550000001', body: 'hello' };
    // when a send is refused
    const api = (await messaging.messages.reply.api())!;
    await assert.rejects(
      api.sendMessage(message),
      (e: unknown) => e instanceof CredentialsRefusedError && e.status === 401,
    );
    // then the refusal is counted
    const counted = lines.map((line) => JSON.parse(line)).filter((point) => point.SignalWireAuthRefused === 1);
    assert.equal(counted.length, 1);
    // and once the parameter holds the new token, the next attempt reads it (no 5-minute wait) and is accepted
    parameters.set('/sw/token', 'PT_new');
    const again = (await messaging.messages.reply.api())!;
    const sent = await again.sendMessage(message);
    assert.equal(fake.created.at(-1)!.sid, sent.sid);
    assert.equal(ssmReads, 2);
    fake.requireToken(undefined);
  });

  it('reads the token through the cache: no SSM request per send', async () => {
    let ssmReads = 0;
    const readParameter = cachedParameterReader(async (names) => {
      ssmReads += 1;
      return new Map(names.map((name) => [name, 'PT_any'] as [string, string]));
    });
    const env = {
      SIGNALWIRE_SPACE_URL: fake.url,
      SIGNALWIRE_PROJECT_ID: 'p-1',
      SIGNALWIRE_API_TOKEN_PARAMETER: '/sw/token',
    };
    const messaging = { messages: { reply: { api: signalWireApi(readSignalWireApiSettings(env), readParameter) } } };
    for (let i = 0; i < 3; i++)
      await (await messaging.messages.reply.api())!.sendMessage({ from: '+1555', to: '+1556', body: `x${i}` });
    assert.equal(ssmReads, 1);
  });
});
