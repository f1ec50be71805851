import { parseArgs } from 'node:util';
import { showCall } from './commands/calls';
import { listDeadLetters, redriveDeadLetters, replayDeadLetter } from './commands/dlq';
import { listEndpoints } from './commands/endpoints';
import { showMessage } from './commands/messages';
import { configureNumber } from './commands/numbers';
import { listRooms, showRoom } from './commands/rooms';
import { sendWebhook } from './commands/send';
import { showStats } from './commands/stats';
import { resetSwmlRules, setSwmlRules, showSwmlRules } from './commands/swml';
import { print } from './output';
import { resolveTarget, type Target } from './target';

const USAGE = `usage: webhooks <command> [--json] [--stage NAME] [--region REGION]

  calls show <call_id>        a call's state, timeline and duration
  dlq list                    dead-lettered deliveries with their failure reason
  dlq redrive [--id MSG_ID]   re-send dead letters: all (an SQS move task), or the given ids one by one
  dlq replay <message_id>     queue a copy of one dead letter, keeping the original in the DLQ
  endpoints                   the webhook URLs to paste into SignalWire, one per route
  messages show <message_id>  a message's status, timeline and error; for inbound ones the auto-reply outcome
  rooms show <room_session_id | room_id>
                              a video room session (or a room's latest): times, members, member count, recordings
  rooms list [--since ISO]    room sessions first seen since then (default: the last 24 h), newest first
  swml show                   the SWML routing rules in effect (built-in or set)
  swml set <rules.json>       validate and store new routing rules (no deploy; live within the cache time)
  swml reset                  back to the built-in routing rules
  stats [--since ISO | --hours N]  counts per kind and state, average call duration (default: last 24 h)
  send ROUTE [--fixture NAME | --body TEXT | --file PATH] [--url BASE] [--sign | --unsigned]
                              post a test webhook to the stack or BASE: ROUTE's default sample (samples/),
                              another sample, or a body; signed for the URL when SIGNALWIRE_SIGNING_KEY is set
  numbers configure <+E164> [--url BASE]
                              point a SignalWire number's messages and call status at the stack (or BASE);
                              needs SIGNALWIRE_SPACE_URL, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN

By default commands talk to the local stack \`npm start\` runs; --stage NAME talks to a deployed stage.`;

type Options = { since?: string; hours?: string; fixture?: string; body?: string; file?: string; sign?: boolean; unsigned?: boolean; url?: string };
type Command = (target: Target, args: string[], ids: string[], options: Options) => Promise<unknown>;
const COMMANDS: Record<string, Command> = {
  'calls show': (target, args) => showCall(target, args[0]),
  'dlq list': (target) => listDeadLetters(target),
  'dlq redrive': (target, _args, ids) => redriveDeadLetters(target, ids.length > 0 ? ids : undefined),
  'dlq replay': (target, args) => replayDeadLetter(target, args[0]),
  endpoints: (target) => listEndpoints(target),
  'messages show': (target, args) => showMessage(target, args[0]),
  'rooms show': (target, args) => showRoom(target, args[0]),
  'rooms list': (target, _args, _ids, options) => listRooms(target, options),
  'swml show': (target) => showSwmlRules(target),
  'swml set': (target, args) => setSwmlRules(target, args[0]),
  'swml reset': (target) => resetSwmlRules(target),
  stats: (target, _args, _ids, options) => showStats(target, options),
  send: async (target, args, _ids, options) => sendWebhook(args[0], options, options.url ?? (await target.apiUrl())),
  'numbers configure': async (target, args, _ids, options) => configureNumber(args[0], options.url ?? (await target.apiUrl())),
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      stage: { type: 'string' },
      region: { type: 'string' },
      id: { type: 'string', multiple: true },
      since: { type: 'string' },
      hours: { type: 'string' },
      fixture: { type: 'string' },
      body: { type: 'string' },
      file: { type: 'string' },
      sign: { type: 'boolean', default: false },
      unsigned: { type: 'boolean', default: false },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const twoWords = positionals.slice(0, 2).join(' ');
  const name = COMMANDS[twoWords] ? twoWords : (positionals[0] ?? '');
  const command = COMMANDS[name];
  if (values.help || command === undefined) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  // With --url BASE, `send` and `numbers configure` need no stack to talk to.
  const target = values.url !== undefined && ['send', 'numbers configure'].includes(name) ? undefined : await resolveTarget({ stage: values.stage, region: values.region });
  try {
    print(await command(target!, positionals.slice(name.split(' ').length), values.id ?? [], values), values.json);
    return 0;
  } finally {
    target?.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`webhooks: ${message}`);
  process.exitCode = 1;
}
