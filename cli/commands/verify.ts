import { CliError } from '../output';
import { LOCAL_STACK_FILE, type Target } from '../target';
import { errorText, failed, passed, type Check } from './verify/check';
import { checkApplied, notTried } from './verify/applied-checks';
import { deployedStageView } from './verify/deployed-stage';
import { checkDeadLetterQueue } from './verify/dlq-check';
import { localStageView, readLocalStackFile } from './verify/local-stage';
import { checkParameters } from './verify/parameter-checks';
import { renderChecks } from './verify/render';
import { checkRoles } from './verify/role-checks';
import { sampleCredentials } from './verify/sample-credentials';
import { sendSample } from './verify/sample-delivery';
import type { StageView } from './verify/stage-view';
import { checkTopic } from './verify/topic-check';

export interface VerifyOptions {
  /** Seconds to wait for the worker to apply the sample (default 60). */
  timeout?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * `webhooks verify [--stage NAME] [--timeout SECONDS]`: proves a stage works, after a deploy. In order: the functions'
 * configuration, each SSM parameter they read (exists, SecureString, parses; never printed), their roles' access to
 * them (IAM simulation, deployed only), a signed sample delivery through the stage's URL, the worker applying it and
 * the archive filing it, the DLQ's depth, and the notifications topic's subscribers. Answers the list of checks;
 * the command exits 1 when one fails (`verifyExitCode`). Leaves one message record `verify-…` in the table.
 */
export async function verifyStage(target: Target, options: VerifyOptions): Promise<Check[]> {
  const timeoutMs = timeoutOption(options.timeout) * 1000;
  const view = await stageViewOf(target, process.env.WEBHOOKS_STACK_FILE ?? LOCAL_STACK_FILE);
  const apiUrl = await target.apiUrl().catch((error: unknown) => new UrlUnknown(errorText(error)));
  progress(
    `verifying stage ${view.stage} (${view.local ? 'local stack' : view.region})${typeof apiUrl === 'string' ? ` at ${apiUrl}` : ''}`,
  );
  const checks: Check[] = [configurationCheck(view)];
  const readout = await checkParameters(view);
  checks.push(...readout.checks, ...(await checkRoles(view, readout.parameters)));

  // The DLQ and the topic do not depend on the delivery: read them while the worker is awaited.
  const independent = Promise.all([checkDeadLetterQueue(target, view), checkTopic(view)]);
  const ingest = view.functions.find((fn) => fn.name === 'ingest');
  const { credentials, blockedBy } = sampleCredentials(ingest, readout);
  if (apiUrl instanceof UrlUnknown) {
    checks.push(
      failed(
        'delivery',
        `not tried: the stage's URL is unknown (${apiUrl.reason})`,
        `deploy this tree to the stage (npx serverless deploy --stage ${view.stage} --region ${view.region})`,
      ),
      ...notTried('no delivery was sent'),
    );
  } else if (blockedBy.length > 0) {
    const reason = `the ingest's ${blockedBy.join(', ')} cannot be used (see ${blockedBy.length === 1 ? 'its check' : 'their checks'})`;
    checks.push(failed('delivery', `not tried: ${reason}`), ...notTried('no delivery was sent'));
  } else {
    const sent = await sendSample(apiUrl, credentials, view, ingest);
    checks.push(sent.check);
    if (sent.eventId === undefined) checks.push(...notTried('the delivery was not accepted'));
    else {
      progress(
        `sample accepted as event ${sent.eventId}; waiting up to ${timeoutMs / 1000} s for the worker and the archive`,
      );
      checks.push(
        ...(await checkApplied(target, view, { messageId: sent.messageId, eventId: sent.eventId }, timeoutMs)),
      );
    }
  }
  checks.push(...(await independent));
  return checks;
}

export const verifyReport = (checks: Check[]) => renderChecks(checks);

export const verifyExitCode = (checks: Check[]) => (checks.every((c) => c.ok) ? 0 : 1);

/**
 * The local stack when the target is the one its endpoints file describes (the same queue), else the deployed stage
 * of that name.
 */
async function stageViewOf(target: Target, stackFile: string): Promise<StageView> {
  const local = readLocalStackFile(stackFile);
  if (local !== undefined && local.queueUrl === target.queueUrl) return localStageView(local, stackFile);
  return deployedStageView(target);
}

function configurationCheck(view: StageView): Check {
  const names = view.functions.map((fn) => fn.name).join(', ') || 'none';
  if (view.missingFunctions.length > 0) {
    return failed(
      'functions',
      `not deployed: ${view.missingFunctions.join(', ')}`,
      `npx serverless deploy --stage ${view.stage} --region ${view.region}`,
    );
  }
  if (view.functions.length === 0)
    return failed(
      'functions',
      `no function environment in ${view.environmentSource}`,
      view.local ? "restart `npm start` (it writes each function's environment there)" : 'deploy this tree',
    );
  return passed('functions', `${names}: settings from ${view.environmentSource}`);
}

function timeoutOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new CliError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(value)}`);
  return seconds;
}

/** Why the stage's base URL could not be found (deployed: the stack's HttpApiUrl output). */
class UrlUnknown {
  constructor(readonly reason: string) {}
}

/** Progress goes to stderr: stdout holds only the report (or its JSON). */
const progress = (line: string) => process.stderr.write(`verify: ${line}\n`);
