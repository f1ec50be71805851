import type { FunctionService } from '../local/stack';
import { startDestinationReceiver, type DestinationReceiver } from '../test/helpers/destination-receiver';
import { startFakeSignalWire, type FakeSignalWire } from '../test/helpers/fake-signalwire';
import { startRecordingServer, type RecordingServer } from '../test/helpers/recording-server';
import { startSnsStandIn, type Published } from './aws-stand-ins';
import type { FaultCounts, FaultRates } from './fault-proxy';
import { startProxyThread, type UploadCounts } from './proxy-thread';
import { seededRandom } from './scenario/delivery';

type Proxied = 'sqs' | 'dynamodb' | 'signalwire' | 'ssm' | 'sns' | 's3' | 'recordings' | 'events' | 'destination';

export interface Dependencies {
  signalwire: FakeSignalWire;
  published: Published[];
  /** The host SignalWire serves recordings from (test/helpers/recording-server.ts), reached through `proxies.recordings`. */
  recordingServer: RecordingServer;
  /** A user's endpoint, the run's one destination (every event type), reached through `proxies.destination`. */
  destination: DestinationReceiver;
  /** Each fault proxy's address. */
  proxies: Record<Proxied, string>;
  /** The functions' SignalWire settings (the API behind its fault proxy; the token, a secret, is served through SSM). */
  environment: Record<string, string>;
  /** For the local stack's `functionEndpoint`: every AWS service the functions call, through its fault proxy. */
  functionEndpoint(service: FunctionService, endpoint: string): Promise<string>;
  /** The faults injected so far, by proxy and kind. */
  faultCounts(): Promise<FaultCounts>;
  /** The uploads S3 completed through its proxy, by object key. */
  uploadCounts(): Promise<UploadCounts>;
  /** Stops cutting downloads (the cuts already queued still apply). */
  stopCuts(): void;
  close(): Promise<void>;
}

/**
 * The stand-ins the harness reads back (the SignalWire REST API: the replies sent; SNS: the notifications published;
 * the recording server: the downloads it served) and a fault proxy in front of each of them and of the local stack's
 * SQS, DynamoDB, SSM, S3 and EventBridge (the stack's own bus, whose `published()` the oracle reads: what got through),
 * which get their targets once the stack has started them. The proxies run in a thread of
 * their own (chaos/proxy-thread.ts); the recording server's streams its downloads through, so a download the server
 * cuts (`cutRate` of them, part-way) reaches the copier cut.
 */
export async function startDependencies(options: {
  rates: FaultRates;
  latencyMs: number;
  seed: number;
  /** Share of the recording downloads cut part-way by the recording server itself (beside the proxy's faults). */
  cutRate: number;
}): Promise<Dependencies> {
  const [signalwire, sns, recordingServer, destination] = await Promise.all([
    startFakeSignalWire(),
    startSnsStandIn(),
    startRecordingServer(),
    startDestinationReceiver(),
  ]);
  const names: Proxied[] = ['sqs', 'dynamodb', 'signalwire', 'ssm', 'sns', 's3', 'recordings', 'events', 'destination'];
  const thread = await startProxyThread({
    names,
    streaming: ['recordings'],
    uploadsThrough: 's3',
    rates: options.rates,
    latencyMs: options.latencyMs,
    seed: options.seed,
    // The bus is called once per batch, the fewest requests of all: its first publish's answer is always dropped
    // (the events went out, the worker does not know), so every run attacks the events' guarantee at least once.
    firstFaults: { events: 'response_dropped' },
  });
  await Promise.all([
    thread.setTarget('signalwire', signalwire.url),
    thread.setTarget('sns', sns.url),
    thread.setTarget('recordings', recordingServer.url),
    thread.setTarget('destination', destination.url),
  ]);
  const proxies = thread.endpoints as Record<Proxied, string>;
  const cuts = startCuts(recordingServer, options.cutRate, seededRandom(options.seed ^ 0xc07));
  // The token is a secret: the local stack serves it from its SSM stand-in, and the worker reads it there, as deployed.
  const environment = {
    SIGNALWIRE_SPACE_URL: proxies.signalwire,
    SIGNALWIRE_PROJECT_ID: 'p-chaos',
    SIGNALWIRE_API_TOKEN: 'PT-chaos-token',
  };
  const functionEndpoint = async (service: FunctionService, endpoint: string) => {
    // SNS: our own stand-in, which keeps what was published for the oracle.
    if (service !== 'sns') await thread.setTarget(service, endpoint);
    return proxies[service];
  };
  let final: { counts: FaultCounts; uploads: UploadCounts } | undefined;
  return {
    signalwire,
    published: sns.published,
    recordingServer,
    destination,
    proxies,
    environment,
    functionEndpoint,
    faultCounts: async () => final?.counts ?? thread.counts(),
    uploadCounts: async () => final?.uploads ?? thread.uploads(),
    stopCuts: cuts.stop,
    async close() {
      cuts.stop();
      final = await thread.close();
      await Promise.all([signalwire.close(), sns.close(), recordingServer.close(), destination.close()]);
    },
  };
}

/**
 * Cuts a share of the recording server's downloads: each time a download starts, the next one is cut with probability
 * `rate` (`cutNext`) after 256 KiB to 8 MiB (past 5 MiB the copier has uploaded a part already; a cut beyond a
 * recording's size lets it through whole, and is not counted). The run's first download is always cut early, so every
 * run sees at least one cut.
 */
function startCuts(server: RecordingServer, rate: number, random: () => number): { stop(): void } {
  if (rate <= 0) return { stop: () => undefined };
  server.cutNext(1, 256 * 1024);
  let seen = 0;
  const timer = setInterval(() => {
    for (; seen < server.started; seen++)
      if (random() < rate) server.cutNext(1, Math.floor((0.25 + random() * 7.75) * 1024 * 1024));
  }, 100);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
