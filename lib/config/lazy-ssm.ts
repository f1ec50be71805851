import type { ParametersReader } from './secrets';

/**
 * An SSM parameters reader that loads the SSM client on first use: a container whose secrets are all in its
 * environment (the local stack, tests) never evaluates it, and one that reads them pays for it once. Only the module
 * is imported dynamically, so esbuild still tree-shakes the SDK down to the one command used.
 */
export function lazySsmParametersReader(): ParametersReader {
  let reader: Promise<ParametersReader> | undefined;
  return async (names) => {
    // Read inside SignalWire's 10 s budget for the first delivery of a container, SDK retries included.
    reader ??= import('./ssm-parameters').then(({ createSsmParametersReader }) =>
      createSsmParametersReader({ maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } }),
    );
    return (await reader)(names);
  };
}
