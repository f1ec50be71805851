import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParametersReader } from '../config/secrets';
import { DependencyError } from '../errors';
import type { ClientBudget } from '../config/client-budget';
import { clientSettings } from './client-settings';

export const createSsmClient = (budget: ClientBudget) => new SSMClient(clientSettings(budget));

/** SSM GetParameters, SecureStrings decrypted, ten names a request (the API's limit); a name SSM does not know is absent. */
export function parametersReaderWith(client: SSMClient): ParametersReader {
  return async (names) => {
    const values = new Map<string, string>();
    for (let start = 0; start < names.length; start += 10) {
      const command = new GetParametersCommand({ Names: names.slice(start, start + 10), WithDecryption: true });
      const { Parameters } = await client.send(command).catch((cause: unknown) => {
        throw new DependencyError(`ssm GetParameters failed (${cause instanceof Error ? cause.name : 'error'})`, {
          cause,
        });
      });
      for (const { Name, Value } of Parameters ?? [])
        if (Name !== undefined && Value !== undefined) values.set(Name, Value);
    }
    return values;
  };
}
