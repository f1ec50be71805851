import { isRefusal, reachFix } from './check';
import type { ExpectedParameter } from './expected-parameters';
import type { StageView } from './stage-view';

/** What to put in a parameter, as the functions parse it (lib/security/auth-policy.ts): one value, or a JSON list during a rotation. */
const PLACEHOLDERS: Record<string, string> = {
  SIGNALWIRE_SIGNING_KEY: '["PSK_..."]',
  WEBHOOK_BASIC_AUTH: '["user:password"]',
  WEBHOOK_QUERY_SECRET: '["a-long-random-secret"]',
  SIGNALWIRE_API_TOKEN: 'PT...',
};

const placeholderOf = (setting: string) => PLACEHOLDERS[setting] ?? '...';

/**
 * How to give a parameter a (new) value. Deployed: the `aws ssm put-parameter` command. Locally the secrets come
 * from the shell `npm start` runs in (its SSM stand-in serves them under the same names), so: restart it with the setting.
 */
export function putParameterFix(parameter: ExpectedParameter, view: StageView, overwrite: boolean): string {
  const value = placeholderOf(parameter.setting);
  if (view.local)
    return `restart \`npm start\` with ${parameter.setting}='${value}' in its environment (the local stack serves it as ${parameter.name})`;
  return `aws ssm put-parameter --region ${view.region} --name ${parameter.name} --type SecureString --value '${value}'${overwrite ? ' --overwrite' : ''}`;
}

/** A parameter stored as a plain String: SSM keeps its type, so it is deleted and created again as a SecureString. */
export function secureStringFix(parameter: ExpectedParameter, view: StageView): string {
  return `aws ssm delete-parameter --region ${view.region} --name ${parameter.name} && ${putParameterFix(parameter, view, false)}`;
}

/** A read that failed: the operator's permission when AWS refused it, else reaching AWS at all. */
export function readFailureFix(parameter: ExpectedParameter, view: StageView, error: string): string {
  if (view.local)
    return 'is `npm start` running? (`webhooks verify` reads the SSM stand-in named in its endpoints file)';
  if (!isRefusal(error)) return reachFix(view.region);
  return `your credentials need ssm:GetParameters on ${parameter.name} (and kms:Decrypt when it is encrypted with a customer managed key)`;
}
