import { startFakeSignalWire, type FakeSignalWire } from '../test/helpers/fake-signalwire';
import { startSnsStandIn, startSsmStandIn, type Published, type StandIn } from './aws-stand-ins';
import { startFaultProxy, type FaultCounts, type FaultProxy, type FaultRates } from './fault-proxy';

export const API_TOKEN_PARAMETER = '/signalwire-webhooks/local/signalwire-api-token';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:signalwire-webhooks-local-notifications';

export interface Dependencies {
  signalwire: FakeSignalWire;
  published: Published[];
  proxies: Record<'sqs' | 'dynamodb' | 'signalwire' | 'ssm' | 'sns', FaultProxy>;
  /** The functions' environment: SSM, SNS and the SignalWire API behind their fault proxies (the stack points SQS and DynamoDB at theirs). */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The stand-ins the functions talk to (the SignalWire REST API, SSM, SNS) and a fault proxy in front of each of
 * them and of the two emulators. The emulators' proxies get their targets once the stack has started them.
 */
export async function startDependencies(options: { rates: FaultRates; latencyMs: number; random: () => number; counts: FaultCounts }): Promise<Dependencies> {
  const signalwire = await startFakeSignalWire();
  const ssm = await startSsmStandIn({ [API_TOKEN_PARAMETER]: 'PT-chaos-token' });
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
    ssm: await proxy('ssm', ssm),
    sns: await proxy('sns', sns),
  };
  const environment = {
    AWS_ENDPOINT_URL_SSM: proxies.ssm.endpoint,
    AWS_ENDPOINT_URL_SNS: proxies.sns.endpoint,
    SIGNALWIRE_SPACE_URL: proxies.signalwire.endpoint,
    SIGNALWIRE_PROJECT_ID: 'p-chaos',
    // No SIGNALWIRE_API_TOKEN: the worker reads it from SSM (serverless.yml's SIGNALWIRE_API_TOKEN_PARAMETER), as deployed.
    SIGNALWIRE_API_TOKEN: '',
    NOTIFY_TOPIC_ARN: TOPIC_ARN,
  };
  return {
    signalwire,
    published: sns.published,
    proxies,
    environment,
    async close() {
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await Promise.all([signalwire.close(), ssm.close(), sns.close()]);
    },
  };
}
