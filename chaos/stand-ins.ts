import { startFakeSignalWire, type FakeSignalWire } from '../test/helpers/fake-signalwire';
import { startSnsStandIn, type Published, type StandIn } from './aws-stand-ins';
import { startFaultProxy, type FaultCounts, type FaultProxy, type FaultRates } from './fault-proxy';

export interface Dependencies {
  signalwire: FakeSignalWire;
  published: Published[];
  proxies: Record<'sqs' | 'dynamodb' | 'signalwire' | 'ssm' | 'sns', FaultProxy>;
  /** The functions' SignalWire settings (the API behind its fault proxy; the token, a secret, is served through SSM). */
  environment: Record<string, string>;
  /** For the local stack's `functionEndpoint`: every AWS service the functions call, through its fault proxy. */
  functionEndpoint(service: 'dynamodb' | 'sqs' | 'ssm' | 'sns', endpoint: string): string;
  close(): Promise<void>;
}

/**
 * The stand-ins the harness reads back (the SignalWire REST API: the replies sent; SNS: the notifications published)
 * and a fault proxy in front of each of them and of the local stack's SQS, DynamoDB and SSM, which get their targets
 * once the stack has started them.
 */
export async function startDependencies(options: { rates: FaultRates; latencyMs: number; random: () => number; counts: FaultCounts }): Promise<Dependencies> {
  const signalwire = await startFakeSignalWire();
  const sns = await startSnsStandIn();
  const proxy = (name: string, target?: StandIn | FakeSignalWire) =>
    startFaultProxy({ name, rates: options.rates, latencyMs: options.latencyMs, random: options.random, counts: options.counts }).then((p) => {
      if (target) p.setTarget(target.url);
      return p;
    });
  const proxies = {
    sqs: await proxy('sqs'),
    dynamodb: await proxy('dynamodb'),
    signalwire: await proxy('signalwire', signalwire),
    ssm: await proxy('ssm'),
    sns: await proxy('sns', sns),
  };
  // The token is a secret: the local stack serves it from its SSM stand-in, and the worker reads it there, as deployed.
  const environment = { SIGNALWIRE_SPACE_URL: proxies.signalwire.endpoint, SIGNALWIRE_PROJECT_ID: 'p-chaos', SIGNALWIRE_API_TOKEN: 'PT-chaos-token' };
  const functionEndpoint = (service: 'dynamodb' | 'sqs' | 'ssm' | 'sns', endpoint: string) => {
    // SNS: our own stand-in, which keeps what was published for the oracle.
    if (service !== 'sns') proxies[service].setTarget(endpoint);
    return proxies[service].endpoint;
  };
  return {
    signalwire,
    published: sns.published,
    proxies,
    environment,
    functionEndpoint,
    async close() {
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await Promise.all([signalwire.close(), sns.close()]);
    },
  };
}
