import { startFakeSignalWire, type FakeSignalWire } from '../test/helpers/fake-signalwire';
import { startSnsStandIn, type Published } from './aws-stand-ins';
import type { FaultCounts, FaultRates } from './fault-proxy';
import { startProxyThread } from './proxy-thread';

type Proxied = 'sqs' | 'dynamodb' | 'signalwire' | 'ssm' | 'sns';

export interface Dependencies {
  signalwire: FakeSignalWire;
  published: Published[];
  /** Each fault proxy's address. */
  proxies: Record<Proxied, string>;
  /** The functions' SignalWire settings (the API behind its fault proxy; the token, a secret, is served through SSM). */
  environment: Record<string, string>;
  /** For the local stack's `functionEndpoint`: every AWS service the functions call, through its fault proxy (S3: not yet). */
  functionEndpoint(service: 'dynamodb' | 'sqs' | 'ssm' | 'sns' | 's3', endpoint: string): Promise<string>;
  /** The faults injected so far, by proxy and kind. */
  faultCounts(): Promise<FaultCounts>;
  close(): Promise<void>;
}

/**
 * The stand-ins the harness reads back (the SignalWire REST API: the replies sent; SNS: the notifications published)
 * and a fault proxy in front of each of them and of the local stack's SQS, DynamoDB and SSM, which get their targets
 * once the stack has started them. The proxies run in a thread of their own (chaos/proxy-thread.ts).
 */
export async function startDependencies(options: {
  rates: FaultRates;
  latencyMs: number;
  seed: number;
}): Promise<Dependencies> {
  const signalwire = await startFakeSignalWire();
  const sns = await startSnsStandIn();
  const names: Proxied[] = ['sqs', 'dynamodb', 'signalwire', 'ssm', 'sns'];
  const thread = await startProxyThread({
    names,
    rates: options.rates,
    latencyMs: options.latencyMs,
    seed: options.seed,
  });
  await thread.setTarget('signalwire', signalwire.url);
  await thread.setTarget('sns', sns.url);
  const proxies = thread.endpoints as Record<Proxied, string>;
  // The token is a secret: the local stack serves it from its SSM stand-in, and the worker reads it there, as deployed.
  const environment = {
    SIGNALWIRE_SPACE_URL: proxies.signalwire,
    SIGNALWIRE_PROJECT_ID: 'p-chaos',
    SIGNALWIRE_API_TOKEN: 'PT-chaos-token',
  };
  const functionEndpoint = async (service: 'dynamodb' | 'sqs' | 'ssm' | 'sns' | 's3', endpoint: string) => {
    if (service === 's3') return endpoint;
    // SNS: our own stand-in, which keeps what was published for the oracle.
    if (service !== 'sns') await thread.setTarget(service, endpoint);
    return proxies[service];
  };
  let final: FaultCounts | undefined;
  return {
    signalwire,
    published: sns.published,
    proxies,
    environment,
    functionEndpoint,
    faultCounts: async () => final ?? thread.counts(),
    async close() {
      final = await thread.close();
      await Promise.all([signalwire.close(), sns.close()]);
    },
  };
}
