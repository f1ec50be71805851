/**
 * `@smithy/core/event-streams` for the bundles (serverless.yml `custom.esbuild.alias`). The SDK's HTTP protocols
 * load it with a dynamic `import()` only for operations that stream events; esbuild inlines that import into our
 * single-file bundles, ~20 KB of each (codec, marshallers, and the CRC32, MD5 and SHA-256 code they pull in).
 * SQS, SNS and DynamoDB have no event-stream operation, so it is never loaded: if it ever is, this says why.
 */
const unused = (): never => {
  throw new Error('event streams are left out of this bundle (lib/aws/no-event-streams.ts): no operation we call streams events');
};

export class EventStreamSerde {
  constructor() {
    unused();
  }
}

export const eventStreamSerdeProvider = unused;
