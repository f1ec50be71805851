import { readableArchived, showArchived } from './commands/archive';
import { listCalls, readableCall, showCall } from './commands/calls';
import { openConsole } from './commands/console';
import { dial } from './commands/dial';
import {
  deadLetterRows,
  listDeadLetters,
  purgeAllDeadLetters,
  redriveDeadLetters,
  redriveExitCode,
  replayDeadLetter,
  showDeadLetter,
} from './commands/dlq';
import { listEndpoints } from './commands/endpoints';
import { readableEvent, showEvent } from './commands/events';
import { listen } from './commands/listen';
import { listMessages, readableMessage, showMessage } from './commands/messages';
import { configureNumber } from './commands/numbers';
import { readableReconcile, reconcileNow } from './commands/reconcile';
import { getRecording, readableRecording } from './commands/recordings';
import { replayArchived } from './commands/replay';
import { listRooms, readableRoom, showRoom } from './commands/rooms';
import { sendWebhook } from './commands/send';
import { readableStats, showStats } from './commands/stats';
import { resetSwmlRules, setSwmlRules, showSwmlRules } from './commands/swml';
import { tailArchive } from './commands/tail';
import { verifyExitCode, verifyReport, verifyStage } from './commands/verify';
import type { Target } from './target';

/** Every option any command takes; each command lists the ones that apply to it (the rest are refused). */
export interface Options {
  json?: boolean;
  id?: string[];
  since?: string;
  until?: string;
  hours?: string;
  kind?: string;
  fixture?: string;
  body?: string;
  file?: string;
  sign?: boolean;
  unsigned?: boolean;
  url?: string;
  from?: string;
  to?: string;
  yes?: boolean;
  port?: string;
  timeout?: string;
  'dry-run'?: boolean;
  expires?: string;
  queue?: string;
  forward?: string;
  types?: string;
  secret?: string;
}

interface CommandContext {
  /** Undefined only for commands that need no stack (`send`, `numbers configure`, `dial` given --url BASE). */
  target: Target;
  args: string[];
  options: Options;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  /** Command options (beyond --help, --stage, --region, --profile); `json` when it prints JSON on request. */
  options: (keyof Options)[];
  run(context: CommandContext): Promise<unknown>;
  /** Commands that talk to SignalWire or a URL rather than the stack: no target when --url is given. */
  targetOptionalWithUrl?: boolean;
  /** What the readable (non --json) output shows, when it differs from the JSON. */
  readable?(value: any): unknown;
  /** Exit code from the result (default 0). */
  exitCode?(value: any): number;
  /** Writes its own output (tail, console): nothing is printed after it returns. */
  streams?: boolean;
}

const apiUrl = async (context: CommandContext) => context.options.url ?? (await context.target.apiUrl());

export const COMMANDS: Record<string, CommandSpec> = {
  'calls list': {
    usage: 'calls list [--since ISO]',
    summary: 'calls first seen since then (default: last 24 h), newest first',
    options: ['json', 'since'],
    run: (c) => listCalls(c.target, c.options.since),
  },
  'calls show': {
    usage: 'calls show <call_id>',
    summary: "a call's state, timeline, duration and price",
    options: ['json'],
    run: (c) => showCall(c.target, c.args[0]),
    readable: readableCall,
  },
  'messages list': {
    usage: 'messages list [--since ISO]',
    summary: 'messages first seen since then (default: last 24 h), newest first',
    options: ['json', 'since'],
    run: (c) => listMessages(c.target, c.options.since),
  },
  'messages show': {
    usage: 'messages show <message_id>',
    summary: "a message's status, timeline, error and price; for inbound ones the auto-reply outcome",
    options: ['json'],
    run: (c) => showMessage(c.target, c.args[0]),
    readable: readableMessage,
  },
  'rooms list': {
    usage: 'rooms list [--since ISO]',
    summary: 'room sessions first seen since then (default: last 24 h), newest first',
    options: ['json', 'since'],
    run: (c) => listRooms(c.target, c.options),
  },
  'rooms show': {
    usage: 'rooms show <room_session_id | room_id>',
    summary: "a video room session (or a room's latest): times, members, member count, recordings and their copies",
    options: ['json'],
    run: (c) => showRoom(c.target, c.args[0]),
    readable: readableRoom,
  },
  'recordings get': {
    usage: 'recordings get <recording_id> [--file PATH] [--expires SECONDS]',
    summary:
      "a recording's copy in the stage's bucket: a pre-signed URL valid SECONDS (default 900, at most 7 days), or with --file downloaded to PATH, its size and sha256 checked",
    options: ['json', 'file', 'expires'],
    run: (c) => getRecording(c.target, c.args[0], c.options),
    readable: readableRecording,
  },
  'dlq list': {
    usage: 'dlq list [--queue webhooks|recordings|destinations]',
    summary:
      "dead-lettered deliveries with their failure reason (--json: with the envelope); --queue: another queue's DLQ (destinations: with the receiver's last status and body)",
    options: ['json', 'queue'],
    run: (c) => listDeadLetters(c.target, undefined, c.options.queue),
    readable: deadLetterRows,
  },
  'dlq show': {
    usage: 'dlq show <message_id> [--queue Q]',
    summary: 'one dead letter with its reason and whole envelope (or job)',
    options: ['json', 'queue'],
    run: (c) => showDeadLetter(c.target, c.args[0], c.options.queue),
  },
  'dlq redrive': {
    usage: 'dlq redrive [--id MSG_ID ...] [--queue Q]',
    summary: 're-send dead letters: all (an SQS move task), or the given ids one by one; exits 1 unless all were',
    options: ['json', 'id', 'queue'],
    run: (c) => redriveDeadLetters(c.target, c.options.id?.length ? c.options.id : undefined, c.options.queue),
    exitCode: redriveExitCode,
  },
  'dlq replay': {
    usage: 'dlq replay <message_id> [--queue Q]',
    summary:
      'queue a copy of one dead letter, keeping the original in the DLQ (a webhook gets a new event id; a recording or delivery job is queued as it is)',
    options: ['json', 'queue'],
    run: (c) => replayDeadLetter(c.target, c.args[0], c.options.queue),
  },
  'dlq purge': {
    usage: 'dlq purge --yes [--queue Q]',
    summary: 'delete every dead letter (no undo)',
    options: ['json', 'yes', 'queue'],
    run: (c) => purgeAllDeadLetters(c.target, c.options.yes === true, c.options.queue),
  },
  tail: {
    usage: 'tail [--kind K]',
    summary: 'follow deliveries and what became of them, live, until Ctrl-C (--json: one object per line)',
    options: ['json', 'kind'],
    streams: true,
    run: (c) => tailArchive(c.target, { json: c.options.json === true, kind: c.options.kind }),
  },
  listen: {
    usage: 'listen --forward URL [--types "Call Ended,Message Received"] [--secret whsec_...]',
    summary:
      "forward the stage's events to URL (http or https, loopback allowed) as its destinations get them, signed per Standard Webhooks with --secret or a new secret printed at start, until Ctrl-C: a temporary rule (--types: those event types only; default all) and SQS queue on the stage's bus, removed on exit. One line per event: time, type, id, subject, status, latency (--json: one object per line). A failed forward (no 2xx, timeout, refused) is printed and not retried",
    options: ['json', 'forward', 'types', 'secret'],
    streams: true,
    run: (c) => listen(c.target, c.options),
  },
  'archive show': {
    usage: 'archive show <event_id>',
    summary:
      'one archived delivery (the event ids `tail` prints): as received, what became of it, and the events its changes produced, each published on the bus, with its state at each destination (see `events show`)',
    options: ['json'],
    run: (c) => showArchived(c.target, c.args[0]),
    readable: readableArchived,
  },
  'events show': {
    usage: 'events show <evt_id>',
    summary:
      "an event's deliveries to your destinations, one per destination: delivered, retrying (with the next attempt's time) or dead-lettered, the tries, the last status (HTTP, timeout, network, refused) and error",
    options: ['json'],
    run: (c) => showEvent(c.target, c.args[0]),
    readable: readableEvent,
  },
  replay: {
    usage: 'replay <event_id> | --since ISO [--until ISO] [--kind K] [--queue recordings|destinations]',
    summary:
      "re-queue archived deliveries; idempotency makes it change only what was lost. --queue: re-queue that DLQ's jobs of the event (or failed in the range, of type K) instead",
    options: ['json', 'since', 'until', 'kind', 'queue'],
    run: (c) => replayArchived(c.target, c.args[0], c.options),
  },
  console: {
    usage: 'console [--port N]',
    summary: 'a local web console on 127.0.0.1 (feed, calls, messages, rooms, DLQ, stats) until Ctrl-C',
    options: ['port'],
    streams: true,
    run: (c) => openConsole(c.target, c.options.port),
  },
  endpoints: {
    usage: 'endpoints',
    summary: 'the webhook URLs to paste into SignalWire, one per route',
    options: ['json'],
    run: (c) => listEndpoints(c.target),
  },
  'swml show': {
    usage: 'swml show',
    summary: 'the SWML routing rules in effect (built-in or set)',
    options: ['json'],
    run: (c) => showSwmlRules(c.target),
  },
  'swml set': {
    usage: 'swml set <rules.json>',
    summary: 'validate and store new routing rules (no deploy; live within the cache time)',
    options: ['json'],
    run: (c) => setSwmlRules(c.target, c.args[0]),
  },
  'swml reset': {
    usage: 'swml reset',
    summary: 'back to the built-in routing rules',
    options: ['json'],
    run: (c) => resetSwmlRules(c.target),
  },
  verify: {
    usage: 'verify [--timeout SECONDS]',
    summary:
      "prove the stage works: its SSM secrets, a signed sample delivery applied and archived, the DLQ, the topic's subscribers; exits 1 naming what is wrong and how to fix it",
    options: ['json', 'timeout'],
    run: (c) => verifyStage(c.target, c.options),
    readable: verifyReport,
    exitCode: verifyExitCode,
  },
  stats: {
    usage: 'stats [--since ISO | --hours N]',
    summary: 'counts per kind and state, average call duration, call and message cost per day (default: last 24 h)',
    options: ['json', 'since', 'hours'],
    run: (c) => showStats(c.target, c.options),
    readable: readableStats,
  },
  send: {
    usage: 'send ROUTE [--fixture NAME | --body TEXT | --file PATH] [--url BASE] [--sign | --unsigned]',
    summary:
      'post a test webhook to the stack or BASE: ROUTE\'s default sample (samples/), another sample, or a body; signed for the URL when SIGNALWIRE_SIGNING_KEY is set (one key, or a JSON list ["old","new"] during a rotation: the first signs)',
    options: ['json', 'fixture', 'body', 'file', 'sign', 'unsigned', 'url'],
    targetOptionalWithUrl: true,
    run: async (c) => sendWebhook(c.args[0], c.options, await apiUrl(c)),
  },
  'numbers configure': {
    usage: 'numbers configure <+E164> [--url BASE]',
    summary:
      "point a SignalWire number's messages and call status at the stack (or BASE); SIGNALWIRE_* credentials from the shell",
    options: ['json', 'url'],
    targetOptionalWithUrl: true,
    run: async (c) => configureNumber(c.args[0], await apiUrl(c)),
  },
  reconcile: {
    usage: 'reconcile [--since ISO] [--dry-run]',
    summary:
      'ask SignalWire now about every open call and message first seen since then (default: last 24 h), whatever its age; queue what it knows that we do not, and print it',
    options: ['json', 'since', 'dry-run'],
    run: (c) => reconcileNow(c.target, c.options),
    readable: readableReconcile,
    exitCode: (report: { failed: unknown[] }) => (report.failed.length > 0 ? 1 : 0),
  },
  dial: {
    usage: 'dial --from +E164 --to +E164 [--url BASE]',
    summary:
      'place a call (SignalWire Calling API) that runs our /swml and reports to our /call-status; prints the call id',
    options: ['json', 'from', 'to', 'url'],
    targetOptionalWithUrl: true,
    run: async (c) => dial(c.options, await apiUrl(c)),
  },
};
