import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleUrl } from './functions';
import { invocationContext } from './lambda-context';
import { PROJECT_ROOT } from './project-root';
import { LOCAL_ACCOUNT, localRuleArn, scheduledEvent } from './schedules';
import { loadServerlessConfig } from './serverless-config';

/**
 * `npm run invoke -- <function> [event.json]` (the event on stdin without a file; for a scheduled function such as
 * the reconciler, run from a terminal without one, its Scheduled Event): invokes one function of the
 * running local stack (`npm start`) once, with exactly the environment the stack gives it (its resources, its own
 * access key, the emulators and the SSM and SNS stand-ins, from .local/stack.json or WEBHOOKS_STACK_FILE), and
 * prints what the handler returned. `serverless invoke local` cannot do this: it resolves `Ref` through a deployed
 * CloudFormation stack and refuses `Fn::GetAtt`.
 */
const [name, eventFile] = process.argv.slice(2);
const stackFile = process.env.WEBHOOKS_STACK_FILE ?? join(PROJECT_ROOT, '.local', 'stack.json');
const fail = (message: string): never => {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(2);
};
let environments: Record<string, Record<string, string>> = {};
try {
  environments = JSON.parse(readFileSync(stackFile, 'utf8')).environments ?? {};
} catch {
  fail(`no local stack at ${stackFile}: run \`npm start\` first`);
}
const fn = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), 'local').functions.find((f) => f.name === name);
const env = environments[name ?? ''];
if (!fn || !env) fail(`usage: npm run invoke -- <${Object.keys(environments).join('|')}> [event.json]`);
const schedule = fn!.schedules[0];
const event =
  !eventFile && schedule && process.stdin.isTTY
    ? scheduledEvent(localRuleArn(env!.AWS_REGION!, schedule.ruleName), env!.AWS_REGION!, LOCAL_ACCOUNT)
    : JSON.parse(eventFile ? readFileSync(eventFile, 'utf8') : readFileSync(0, 'utf8'));
Object.assign(process.env, env);
const handler = (await import(moduleUrl(fn!)))[fn!.exportName];
const result = await handler(event, invocationContext(fn!.name, fn!.timeoutSeconds * 1000));
process.stdout.write(`${JSON.stringify(result ?? null, null, 2)}\n`);
process.exit(0);
