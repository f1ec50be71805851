import { randomUUID } from 'node:crypto';
import { QUERY_SECRET_PARAM } from '../../../lib/security/query-secret';
import { signDelivery } from '../../../lib/security/sign-delivery';
import { readSample } from '../../samples';
import { errorText, failed, passed, type Check } from './check';
import { describeCredentials, type SampleCredentials } from './sample-credentials';
import type { FunctionView, StageView } from './stage-view';

/** The sample verify sends: a delivery receipt (samples/), for a message id of its own so it is applied anew each run. */
const SAMPLE = 'message-status-flat-delivered';
const ROUTE = '/message-status';
/** What an HTTP API answers within: SignalWire gives a delivery 10 s, a cold start included. */
const POST_TIMEOUT_MS = 15_000;

export interface SentSample {
  check: Check;
  /** The message id the sample reports on (`verify-…`): the record the worker writes. */
  messageId: string;
  /** The ingest's event id, when it accepted the delivery. */
  eventId?: string;
}

/**
 * The route's sample delivery, as `webhooks send` posts it, with a fresh message id and the time now, presented as
 * SignalWire would present it to this stage (sample-credentials.ts) and posted to the stage's own URL. The check holds
 * when the ingest answers 2xx with an event id: the queue holds the delivery. A refusal is explained from its status.
 */
export async function sendSample(
  apiUrl: string,
  credentials: SampleCredentials,
  view: StageView,
  ingest: FunctionView | undefined,
): Promise<SentSample> {
  const sample = readSample(SAMPLE);
  const messageId = `verify-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const body = JSON.stringify({
    ...(JSON.parse(sample.body) as Record<string, unknown>),
    message_id: messageId,
    timestamp: new Date().toISOString(),
  });
  const base = apiUrl.replace(/\/+$/, '');
  const query = credentials.querySecret
    ? `?${QUERY_SECRET_PARAM}=${encodeURIComponent(credentials.querySecret.secret)}`
    : '';
  const url = new URL(base + ROUTE + query).href;
  const shownUrl = base + ROUTE + (query ? `?${QUERY_SECRET_PARAM}=(the secret)` : '');
  const headers: Record<string, string> = { 'content-type': sample.contentType ?? 'application/json' };
  if (credentials.signingKey)
    Object.assign(
      headers,
      signDelivery({ url, contentType: headers['content-type'], body }, credentials.signingKey.key),
    );
  if (credentials.basicAuth)
    headers.authorization = `Basic ${Buffer.from(`${credentials.basicAuth.user}:${credentials.basicAuth.password}`).toString('base64')}`;
  const how = describeCredentials(credentials);

  let status: number;
  let text: string;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return {
      messageId,
      check: failed('delivery', `POST ${shownUrl} failed: ${errorText(error)}`, unreachableFix(view)),
    };
  }
  const eventId = status >= 200 && status < 300 ? eventIdOf(text) : undefined;
  if (eventId !== undefined)
    return {
      messageId,
      eventId,
      check: passed('delivery', `POST ${shownUrl} (${how}) answered ${status}: queued as event ${eventId}`),
    };
  const refused = explainRefusal(status, credentials, view, ingest);
  return {
    messageId,
    check: failed(
      'delivery',
      `POST ${shownUrl} (${how}) answered ${status} ${text.slice(0, 200)}: ${refused.why}`,
      refused.fix,
    ),
  };
}

function eventIdOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { event_id?: unknown }).event_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

const logsOf = (view: StageView, fn: string) =>
  view.local
    ? `the \`npm start\` output (its "webhook refused" / "dependency failed" lines)`
    : `the ${fn} function's logs (npx serverless logs -f ${fn} --stage ${view.stage} --region ${view.region})`;

/** What a refusal means for this stage, and what to do: the ingest answers 401/403 for its checks, 503 when it cannot use its secrets or queue. */
function explainRefusal(
  status: number,
  credentials: SampleCredentials,
  view: StageView,
  ingest: FunctionView | undefined,
): { why: string; fix: string } {
  if (status === 401) {
    const presented = [
      credentials.signingKey?.parameter,
      credentials.basicAuth?.parameter,
      credentials.querySecret?.parameter,
    ].filter((p) => p !== undefined);
    const why =
      presented.length === 0
        ? 'the stage asks for a credential verify has none of in SSM'
        : `the stage refused the secrets ${presented.join(', ')} hold: its functions verify with other values (a parameter changed after they read it, or it is not the value they were given)`;
    const fix = view.local
      ? 'restart `npm start` with the secrets you mean (SIGNALWIRE_SIGNING_KEY, ...) in its environment, so the functions and the SSM stand-in hold the same values'
      : `make ${presented[0] ?? 'the signing key parameter'} hold your SignalWire project's Signing Key (aws ssm put-parameter --overwrite ...); the functions read their secrets again within 5 minutes (or redeploy to restart them); the exact reason is in ${logsOf(view, 'ingest')}`;
    return { why, fix };
  }
  if (status === 403) {
    if ((ingest?.env.WEBHOOK_IP_ALLOWLIST ?? '').trim() !== '') {
      return {
        why: 'the source IP allowlist (ipAllowlist) does not include this machine',
        fix: "run verify from an address in the allowlist, or add this one to the stage's ipAllowlist param for the check and deploy",
      };
    }
    return {
      why: 'no webhook verification is configured, so the stage refuses every delivery (fail closed)',
      fix: `create the signing key parameter (see the parameter checks): aws ssm put-parameter --region ${view.region} --name ${ingest?.env.SIGNALWIRE_SIGNING_KEY_PARAMETER ?? '/<service>/<stage>/signing-key'} --type SecureString --value '["PSK_..."]'`,
    };
  }
  if (status === 404)
    return {
      why: `the stage has no ${ROUTE} route`,
      fix: `deploy this tree to the stage (npx serverless deploy --stage ${view.stage})`,
    };
  if (status === 503) {
    return {
      why: 'the ingest could not use its secrets (unreadable or invalid in SSM) or could not queue the delivery',
      fix: `fix the parameter checks above, then see ${logsOf(view, 'ingest')}`,
    };
  }
  return { why: 'the ingest did not accept the delivery', fix: `see ${logsOf(view, 'ingest')}` };
}

function unreachableFix(view: StageView): string {
  if (view.local) return 'start the local stack (`npm start`) and run verify again';
  return `is the stage deployed in ${view.region}? (npx serverless deploy --stage ${view.stage} --region ${view.region}; npx webhooks endpoints --stage ${view.stage})`;
}
