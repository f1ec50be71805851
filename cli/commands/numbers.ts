import { configurePhoneNumber } from '../../lib/signalwire/phone-numbers';
import { CliError } from '../output';

/**
 * `webhooks numbers configure <+E164>`: points a SignalWire number's inbound messages and call status callbacks at
 * the stack. The SignalWire credentials come from the operator's shell (never from the stack): SIGNALWIRE_SPACE_URL,
 * SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN.
 */
export async function configureNumber(phoneNumber: string | undefined, baseUrl: string, env = process.env) {
  if (!phoneNumber) throw new CliError('usage: webhooks numbers configure <+E164> [--url BASE]');
  const missing = ['SIGNALWIRE_SPACE_URL', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN'].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length > 0)
    throw new CliError(`set ${missing.join(', ')} in your shell (your SignalWire space and API credentials)`);
  return configurePhoneNumber(
    { spaceUrl: env.SIGNALWIRE_SPACE_URL!, projectId: env.SIGNALWIRE_PROJECT_ID!, apiToken: env.SIGNALWIRE_API_TOKEN! },
    phoneNumber,
    baseUrl,
  );
}
