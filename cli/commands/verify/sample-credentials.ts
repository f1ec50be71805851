import { parseAuthPolicy } from '../../../lib/security/auth-policy';
import { SECRET_SETTINGS } from '../../../lib/security/auth-settings';
import { parameterOf } from './expected-parameters';
import type { ParameterReadout } from './parameter-checks';
import type { FunctionView } from './stage-view';

/** What the sample is sent with: the first entry of each webhook secret the ingest reads (held in memory only). */
export interface SampleCredentials {
  signingKey?: { parameter: string; key: string };
  basicAuth?: { parameter: string; user: string; password: string };
  querySecret?: { parameter: string; secret: string };
}

/**
 * The ingest's webhook secrets as its SSM parameters hold them, as SignalWire would present them: signed with the
 * first signing key, the first Basic credentials, the first query secret. A secret whose parameter is absent is not
 * presented (that check is off). `blockedBy` names the parameters that exist but cannot be used: a sample sent
 * without them would be refused for that alone, so it is not sent.
 */
export function sampleCredentials(
  ingest: FunctionView | undefined,
  readout: ParameterReadout,
): { credentials: SampleCredentials; blockedBy: string[] } {
  const credentials: SampleCredentials = {};
  const blockedBy: string[] = [];
  for (const setting of SECRET_SETTINGS) {
    const parameter = parameterOf(ingest, setting);
    if (parameter === undefined) continue;
    if (readout.broken.has(parameter)) blockedBy.push(parameter);
    const value = readout.usable.get(parameter);
    if (value === undefined) continue;
    // Usable values parse with at least one entry (parameter-format.ts).
    const policy = parseAuthPolicy({ [setting]: value });
    const [key] = policy.signingKeys;
    const [pair] = policy.basicAuth;
    const [secret] = policy.querySecrets;
    if (key !== undefined) credentials.signingKey = { parameter, key };
    if (pair !== undefined) credentials.basicAuth = { parameter, ...pair };
    if (secret !== undefined) credentials.querySecret = { parameter, secret };
  }
  return { credentials, blockedBy };
}

/** How the sample was presented, naming parameters only. */
export function describeCredentials(credentials: SampleCredentials): string {
  const parts = [
    credentials.signingKey
      ? `signed with the first key of ${credentials.signingKey.parameter}`
      : 'unsigned (no signing key)',
    ...(credentials.basicAuth ? [`with the Basic credentials of ${credentials.basicAuth.parameter}`] : []),
    ...(credentials.querySecret ? [`with the query secret of ${credentials.querySecret.parameter}`] : []),
  ];
  return parts.join(', ');
}
