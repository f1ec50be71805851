import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { errorText } from './check';

/** What SSM answered for one name, read as the operator (GetParameters, decrypted: the action the functions' roles are granted). */
export type ParameterRead = { found: true; type: string; value: string } | { found: false } | { error: string };

/** SSM takes at most 10 names per GetParameters. */
const NAMES_PER_CALL = 10;

/** The SSM client is loaded here, when verify runs: importing it with the CLI would slow every command's start. */
export async function readParameters(
  config: SSMClientConfig,
  names: readonly string[],
): Promise<Map<string, ParameterRead>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient(config);
  const reads = new Map<string, ParameterRead>();
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_CALL) chunks.push(names.slice(i, i + NAMES_PER_CALL));
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const { Parameters = [] } = await ssm.send(new GetParametersCommand({ Names: chunk, WithDecryption: true }));
          for (const name of chunk) {
            const parameter = Parameters.find((p) => p.Name === name);
            reads.set(
              name,
              parameter?.Value === undefined
                ? { found: false }
                : { found: true, type: parameter.Type ?? 'unknown', value: parameter.Value },
            );
          }
        } catch (error) {
          for (const name of chunk) reads.set(name, { error: errorText(error) });
        }
      }),
    );
  } finally {
    ssm.destroy();
  }
  return reads;
}
