import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ParametersReader } from '../config/secrets';
import { DependencyError } from '../errors';
import { awsJsonErrorType, isRetryableAnswer } from './aws-json-answer';
import { createSigV4Signer, type SignRequest } from './sigv4';

export interface SsmReaderDeps {
  /** The function's own credentials and region (lib/aws/env-credentials.ts, AWS_REGION). */
  credentials: AwsCredentialIdentityProvider;
  region: () => Promise<string>;
  /** Per attempt; a first delivery must be answered inside SignalWire's 10 s. */
  timeoutMs?: number;
  attempts?: number;
  /** Overrides `https://ssm.<region>.amazonaws.com` (also AWS_ENDPOINT_URL_SSM, as the SDK honours it; tests). */
  ssmEndpoint?: string;
}

/**
 * SSM GetParameters (SecureString, decrypted) as one SigV4-signed JSON request (lib/aws/sigv4.ts). The SSM client
 * would add ~175 KB to the ingest bundle for this one call, which every cold start pays to load; this adds ~2 KB.
 */
export function createSsmParametersReader(deps: SsmReaderDeps): ParametersReader {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const attempts = deps.attempts ?? 2;
  return async (names) => {
    const region = await deps.region();
    const signer = createSigV4Signer({ credentials: deps.credentials, region, service: 'ssm' });
    const url = new URL(deps.ssmEndpoint ?? process.env.AWS_ENDPOINT_URL_SSM ?? `https://ssm.${region}.amazonaws.com`);
    const values = new Map<string, string>();
    for (let start = 0; start < names.length; start += 10) {
      const body = JSON.stringify({ Names: names.slice(start, start + 10), WithDecryption: true });
      const result = await postWithRetries(signer, url, body, timeoutMs, attempts);
      for (const { Name, Value } of result.Parameters ?? []) if (typeof Name === 'string' && typeof Value === 'string') values.set(Name, Value);
    }
    return values;
  };
}

type GetParametersResult = { Parameters?: { Name?: unknown; Value?: unknown }[] };

/** Network errors, 5xx and throttling are tried again; other answers (AccessDenied, validation) are final. */
async function postWithRetries(signer: SignRequest, url: URL, body: string, timeoutMs: number, attempts: number): Promise<GetParametersResult> {
  for (let attempt = 1; ; attempt++) {
    let failure: DependencyError;
    try {
      const response = await post(signer, url, body, timeoutMs);
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as GetParametersResult;
      const type = awsJsonErrorType(text);
      failure = new DependencyError(`ssm GetParameters answered HTTP ${response.status} (${type})`);
      if (!isRetryableAnswer(response.status, type)) throw failure;
    } catch (error) {
      if (error instanceof DependencyError) throw error;
      failure = new DependencyError('ssm GetParameters failed', { cause: error });
    }
    if (attempt >= attempts) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
}

async function post(signer: SignRequest, url: URL, body: string, timeoutMs: number): Promise<Response> {
  const headers = await signer({ host: url.host, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameters' }, body });
  return fetch(new URL('/', url), { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
}
