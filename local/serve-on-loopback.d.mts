// Types of local/serve-on-loopback.mjs (plain JavaScript, loaded by the emulators' own processes without a TypeScript loader).
import type { Server } from 'node:http';

export interface ServeOptions {
  /** The only access keys the AWS front accepts: access key id -> secret. */
  accessKeys: Record<string, string>;
  /** A file the front records the calls it accepted to (local/aws-call-recorder.mjs). */
  recordCallsTo?: string;
}

/** Serves `server` on loopback behind the AWS front (local/aws-front.mjs); `port` is the front's. */
export function serveOnLoopback(
  kind: 'dynamodb' | 'sqs' | 'ssm' | 'sns' | 'events',
  server: Server,
  options: ServeOptions,
): Promise<{ port: number; close(): Promise<void> }>;
