import { dialCall } from '../../lib/signalwire/dial-call';
import { CliError } from '../output';

/**
 * `webhooks dial --from E164 --to E164 [--url BASE]`: places a call through the SignalWire Calling API that runs our
 * `/swml` and reports to our `/call-status`. Credentials from the shell, as for `numbers configure`.
 */
export async function dial(options: { from?: string; to?: string }, baseUrl: string, env = process.env) {
  if (!options.from || !options.to) throw new CliError('usage: webhooks dial --from +E164 --to +E164 [--url BASE]');
  const missing = ['SIGNALWIRE_SPACE_URL', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN'].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length > 0)
    throw new CliError(`set ${missing.join(', ')} in your shell (your SignalWire space and API credentials)`);
  const config = {
    spaceUrl: env.SIGNALWIRE_SPACE_URL!,
    projectId: env.SIGNALWIRE_PROJECT_ID!,
    apiToken: env.SIGNALWIRE_API_TOKEN!,
  };
  return dialCall(config, { from: options.from, to: options.to, baseUrl });
}
