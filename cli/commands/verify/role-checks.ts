import { errorText, failed, passed, type Check } from './check';
import type { ExpectedParameter } from './expected-parameters';
import { optionalModule } from './optional-module';
import type { StageView } from './stage-view';

/** The one SSM action the functions call for their secrets, and the one serverless.yml grants their roles. */
const READ_ACTION = 'ssm:GetParameters';

/**
 * Whether each function's execution role may read the parameters it is configured with: an IAM simulation
 * (iam:SimulatePrincipalPolicy) of ssm:GetParameters on each parameter's ARN. Not run locally (the local stack has
 * no IAM), nor without @aws-sdk/client-iam or the roles (read from Lambda): the check then says so and holds.
 */
export async function checkRoles(view: StageView, parameters: readonly ExpectedParameter[]): Promise<Check[]> {
  const name = 'function roles';
  if (parameters.length === 0) return [];
  if (view.local)
    return [
      passed(
        name,
        'not checked locally: the local stack has no IAM (on AWS verify simulates each role with iam:SimulatePrincipalPolicy)',
      ),
    ];
  const readers = view.functions.filter((fn) => parameters.some((p) => p.functions.includes(fn.name)));
  const withRoles = readers.flatMap((fn) => (fn.roleArn === undefined ? [] : [{ name: fn.name, roleArn: fn.roleArn }]));
  if (withRoles.length < readers.length)
    return [passed(name, `not checked: the functions' roles are unknown (read from ${view.environmentSource})`)];
  const iam = await optionalModule(() => import('@aws-sdk/client-iam'));
  if (iam === undefined) return [passed(name, 'not checked: @aws-sdk/client-iam is not installed')];
  const client = new iam.IAMClient({ region: view.region });
  try {
    return await Promise.all(
      withRoles.map(async ({ name: fn, roleArn }): Promise<Check> => {
        const names = parameters.filter((p) => p.functions.includes(fn)).map((p) => p.name);
        const denied: string[] = [];
        try {
          for (const parameter of names) {
            const { EvaluationResults = [] } = await client.send(
              new iam.SimulatePrincipalPolicyCommand({
                PolicySourceArn: roleArn,
                ActionNames: [READ_ACTION],
                ResourceArns: [parameterArn(roleArn, view.region, parameter)],
              }),
            );
            if (EvaluationResults[0]?.EvalDecision !== 'allowed') denied.push(parameter);
          }
        } catch (error) {
          return passed(
            `role of ${fn}`,
            `not checked: the IAM simulation failed (${errorText(error)}); it needs iam:SimulatePrincipalPolicy`,
          );
        }
        if (denied.length === 0)
          return passed(
            `role of ${fn}`,
            `${roleName(roleArn)} may call ${READ_ACTION} on ${names.join(', ')} (IAM simulation)`,
          );
        return failed(
          `role of ${fn}`,
          `${roleName(roleArn)} may not call ${READ_ACTION} on ${denied.join(', ')} (IAM simulation): the function cannot read ${denied.length === 1 ? 'it' : 'them'}`,
          `deploy this tree again (npx serverless deploy --stage ${view.stage} --region ${view.region}): serverless.yml grants each role ${READ_ACTION} on exactly the parameters it reads`,
        );
      }),
    );
  } finally {
    client.destroy();
  }
}

/** `arn:<partition>:ssm:<region>:<account>:parameter/<name>`, the account and partition those of the role. */
function parameterArn(roleArn: string, region: string, parameter: string): string {
  const [, partition, , , account] = roleArn.split(':');
  return `arn:${partition}:ssm:${region}:${account}:parameter${parameter.startsWith('/') ? '' : '/'}${parameter}`;
}

const roleName = (roleArn: string) => `role ${roleArn.slice(roleArn.lastIndexOf('/') + 1)}`;
