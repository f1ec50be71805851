import { createCallStore } from '../../lib/store/call-store';
import { CliError } from '../output';
import type { Target } from '../target';

export async function showCall(target: Target, callId: string | undefined) {
  if (!callId) throw new CliError('usage: webhooks calls show <call_id>');
  const call = await createCallStore(target.table).get(callId);
  if (call === undefined) throw new CliError(`call ${callId} not found`);
  return call;
}
