import { startConsoleServer } from '../../console/server';
import { CliError } from '../output';
import type { Target } from '../target';

/** `webhooks console [--port N]`: serves the web console on 127.0.0.1 until Ctrl-C. */
export async function openConsole(target: Target, port: string | undefined): Promise<void> {
  const portNumber = port === undefined ? 0 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65_535)
    throw new CliError(`--port must be a port number, got ${port}`);
  const server = await startConsoleServer(target, {
    port: portNumber,
    onError: (error) => console.error(`console: ${error instanceof Error ? error.message : String(error)}`),
  });
  process.stdout.write(`webhooks console for stage ${target.stage}: ${server.url}  (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}
