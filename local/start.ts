import { join } from 'node:path';
import { startLocalConsumers } from './consumers';
import { localDestinationSecrets } from './destination-secrets';
import { LOCAL_STAGE, PROJECT_ROOT, startLocalStack } from './stack';

/**
 * `npm start`: the whole pipeline on this machine. PORT (default 3000) picks the port; data is kept under
 * .local/dynamodb and .local/s3 (LOCAL_DATA_DIR and LOCAL_S3_DATA_DIR override them; LOCAL_DATA_DIR=`:memory:` keeps
 * nothing on disk); LOG_LEVEL overrides serverless.yml's.
 * Scheduled functions (the reconciler) run on their serverless.yml rate; LOCAL_SCHEDULES=off leaves them to
 * `npm run invoke -- reconciler`.
 * LOCAL_CONSUMERS (comma-separated folders, e.g. examples/billing-consumer) runs those event consumers' services
 * against the local bus (local/consumers.ts).
 */
const dataDir = process.env.LOCAL_DATA_DIR ?? join(PROJECT_ROOT, '.local', 'dynamodb');
// The recordings bucket's objects, kept with the table that points to them: .local/s3, or beside LOCAL_DATA_DIR
// (`<it>-s3`) when that is set; LOCAL_S3_DATA_DIR overrides both.
const s3DataDir =
  process.env.LOCAL_S3_DATA_DIR ??
  (process.env.LOCAL_DATA_DIR ? `${process.env.LOCAL_DATA_DIR}-s3` : join(PROJECT_ROOT, '.local', 's3'));
// Messaging and webhook security settings (docs/security.md), and DESTINATIONS (the `destinations` param's JSON; their
// signing secret is DESTINATIONS_SECRET, or one made up and printed: local/destination-secrets.ts), come from the
// shell: serverless.yml's deploy parameters are blank locally.
const messaging = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /^(SIGNALWIRE_|WEBHOOK_|AUTO_REPLY_|NOTIFY_|REPLY_LEASE_|RECONCILE_|PUBLIC_BASE_URL$|REDACT_MESSAGE_BODIES$|DESTINATIONS$)/.test(
        entry[0],
      ) && !!entry[1],
  ),
);
const schedulesOn = process.env.LOCAL_SCHEDULES !== 'off';
const destinations = localDestinationSecrets(process.env, `/signalwire-webhooks/${LOCAL_STAGE}/destinations/`);
const stack = await startLocalStack({
  ssmParameters: destinations.parameters,
  port: Number(process.env.PORT ?? 3000),
  ...(dataDir !== ':memory:' && { dataDir, s3DataDir }),
  stackFile: process.env.WEBHOOKS_STACK_FILE ?? join(PROJECT_ROOT, '.local', 'stack.json'),
  schedules: schedulesOn,
  environment: { ...messaging, ...(process.env.LOG_LEVEL && { LOG_LEVEL: process.env.LOG_LEVEL }) },
  onError: (error) => console.error(JSON.stringify({ level: 'error', msg: 'local stack error', error: String(error) })),
});

const scheduled = stack.schedules.map(
  (s) =>
    `  ${s.functionName} on ${s.expression}${s.enabled && schedulesOn ? '' : ` (off: npm run invoke -- ${s.functionName})`}\n`,
);
console.log(`signalwire-webhooks listening on ${stack.url}
${stack.routes.map((route) => `  ${route.replace(' ', ` ${stack.url}`)}`).join('\n')}
${scheduled.join('')}  SQS ${stack.sqsEndpoint}  DynamoDB ${stack.dynamodbEndpoint}  S3 ${stack.s3Endpoint} (bucket ${stack.recordingsBucket})
  (endpoints in .local/stack.json for \`npx webhooks\`)
  Ctrl-C to stop`);
const consumers = await startLocalConsumers(
  (process.env.LOCAL_CONSUMERS ?? '')
    .split(',')
    .map((folder) => folder.trim())
    .filter((folder) => folder !== ''),
  stack,
  (error) => console.error(JSON.stringify({ level: 'error', msg: 'local consumer error', error: String(error) })),
);
for (const c of consumers.consumers) console.log(`  consumer ${c.service} ${c.functionName} on ${stack.eventBusName}`);
if (destinations.secret !== undefined)
  console.log(`  destinations ${destinations.names.join(', ')}, signed with ${destinations.secret}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('stopping...');
    await Promise.all([consumers.stop(), stack.stop()]);
    process.exit(0);
  });
}
