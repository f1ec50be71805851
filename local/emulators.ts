import { mkdirSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB (dynalite) on a free loopback port; on disk under `dataDir` when given, else in memory. */
export async function startDynamoDb(dataDir?: string): Promise<Emulator> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir && { path: dataDir }) });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { endpoint: endpointOf(server), stop: () => closeServer(server) };
}

/** SQS (local-aws-sqs) on a free loopback port, in memory. */
export async function startSqs(): Promise<Emulator> {
  const server: Server = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  return { endpoint: endpointOf(server), stop: () => closeServer(server) };
}

function endpointOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
