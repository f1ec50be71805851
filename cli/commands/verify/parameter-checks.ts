import { SECRET_SETTINGS } from '../../../lib/security/auth-settings';
import { failed, passed, type Check } from './check';
import { expectedParameters, parameterOf, type ExpectedParameter } from './expected-parameters';
import { checkFormat } from './parameter-format';
import { putParameterFix, readFailureFix, secureStringFix } from './parameter-fixes';
import { readParameters, type ParameterRead } from './parameter-values';
import type { FunctionView, StageView } from './stage-view';

/** What the parameter checks found: the checks, and the values that parse (for signing the sample; never printed). */
export interface ParameterReadout {
  checks: Check[];
  parameters: ExpectedParameter[];
  /** Parameter name -> value, for the parameters that exist and parse. */
  usable: ReadonlyMap<string, string>;
  /** Parameters that exist but cannot be used: unreadable, not a SecureString or not parseable. */
  broken: ReadonlySet<string>;
}

/**
 * One check per SSM parameter the stage's functions read: it exists (or may be absent: a webhook check a stage does
 * not use, the API token when auto-replies are off), is a SecureString, reads decrypted with the operator's credentials
 * and parses as the functions parse it.
 */
export async function checkParameters(view: StageView): Promise<ParameterReadout> {
  const parameters = expectedParameters(view.functions);
  const reads = await readParameters(
    view.ssm,
    parameters.map((p) => p.name),
  );
  const present = new Set([...reads].filter(([, read]) => 'found' in read && read.found).map(([name]) => name));
  const usable = new Map<string, string>();
  const broken = new Set<string>();
  const checks = parameters.map((parameter): Check => {
    const read: ParameterRead = reads.get(parameter.name) ?? { found: false };
    const name = `parameter ${parameter.name}`;
    const readers = `read by ${parameter.functions.join(', ')}`;
    if ('error' in read) {
      broken.add(parameter.name);
      return failed(name, `could not read it: ${read.error}`, readFailureFix(parameter, view, read.error));
    }
    if (!read.found) {
      const neededBecause = whyNeeded(parameter, view, present);
      if (neededBecause === undefined) return passed(name, `absent: ${whatAbsenceMeans(parameter)} (${readers})`);
      return failed(name, `missing: ${neededBecause}`, putParameterFix(parameter, view, false));
    }
    const format = checkFormat(parameter.setting, read.value);
    if (!format.ok) {
      broken.add(parameter.name);
      return failed(
        name,
        `exists but does not parse: ${format.problem} (${readers}: they answer 503 until it is fixed)`,
        putParameterFix(parameter, view, true),
      );
    }
    if (read.type !== 'SecureString') {
      broken.add(parameter.name);
      return failed(
        name,
        `stored as ${read.type}, not SecureString: anyone who may read parameters reads this secret`,
        secureStringFix(parameter, view),
      );
    }
    usable.set(parameter.name, read.value);
    return passed(name, `SecureString, ${format.shape}; ${readers}`);
  });
  return { checks, parameters, usable, broken };
}

/** Why the stage cannot do without a parameter that does not exist; undefined when its absence is a supported choice. */
function whyNeeded(parameter: ExpectedParameter, view: StageView, present: ReadonlySet<string>): string | undefined {
  const readers = view.functions.filter((fn) => parameter.functions.includes(fn.name));
  switch (parameter.setting) {
    case 'SIGNALWIRE_SIGNING_KEY': {
      const unchecked = readers.filter((fn) => !hasOtherWebhookCheck(fn, present)).map((fn) => fn.name);
      if (unchecked.length === 0) return undefined;
      const consequence = view.local
        ? 'locally every delivery is let in unchecked'
        : 'a deployed stage then refuses every delivery (403)';
      return `${unchecked.join(', ')} ${unchecked.length === 1 ? 'verifies' : 'verify'} webhooks with no other check configured: SignalWire signs every delivery with your project's Signing Key, and without it ${consequence}`;
    }
    case 'WEBHOOK_BASIC_AUTH':
    case 'WEBHOOK_QUERY_SECRET':
      return undefined;
    case 'SIGNALWIRE_API_TOKEN': {
      const replying = readers.filter((fn) => (fn.env.SIGNALWIRE_SPACE_URL ?? '').trim() !== '');
      const spaceUrl = replying[0]?.env.SIGNALWIRE_SPACE_URL;
      if (spaceUrl === undefined) return undefined;
      return `${replying.map((fn) => fn.name).join(', ')} ${replying.length === 1 ? 'sends' : 'send'} auto-replies through ${spaceUrl} with the SignalWire API token it holds (replies wait until it exists)`;
    }
    default:
      return `${parameter.functions.join(', ')} read it`;
  }
}

function whatAbsenceMeans(parameter: ExpectedParameter): string {
  switch (parameter.setting) {
    case 'SIGNALWIRE_SIGNING_KEY':
      return 'the signature check is off (another check is configured)';
    case 'WEBHOOK_BASIC_AUTH':
      return 'the Basic auth check is off (create it only to use it)';
    case 'WEBHOOK_QUERY_SECRET':
      return 'the query secret check is off (create it only to use it)';
    case 'SIGNALWIRE_API_TOKEN':
      return 'auto-replies are off (no signalwireSpaceUrl): they are recorded as skipped';
    default:
      return 'not needed';
  }
}

/** Another webhook check is on for this function: another secret's parameter exists, or a source IP allowlist is set. */
function hasOtherWebhookCheck(fn: FunctionView, present: ReadonlySet<string>): boolean {
  if ((fn.env.WEBHOOK_IP_ALLOWLIST ?? '').trim() !== '') return true;
  return SECRET_SETTINGS.some((setting) => {
    if (setting === 'SIGNALWIRE_SIGNING_KEY') return false;
    if ((fn.env[setting] ?? '').trim() !== '') return true;
    const parameter = parameterOf(fn, setting);
    return parameter !== undefined && present.has(parameter);
  });
}
