import { join } from 'node:path';
import { loadServerlessConfig } from '../../local/serverless-config';
import { PROJECT_ROOT } from '../../local/project-root';
import type { Target } from '../target';

/** Where each route goes in SignalWire's settings: what an operator pastes where. */
const SETTINGS: Record<string, string> = {
  'POST /call-status': 'call status callback (cXML StatusCallback, RELAY call_state_url)',
  'POST /incoming-sms': 'phone number: when a message comes in',
  'POST /message-status': 'message status callback (set automatically on our auto-replies)',
  'POST /video/events': 'video room webhook, all events on one URL',
  'GET /swml': 'phone number: handle calls with an SWML webhook (GET)',
  'POST /swml': 'phone number: handle calls with an SWML webhook (POST, recommended)',
};
const VIDEO_EVENTS = [
  'room-started',
  'room-ended',
  'member-joined',
  'member-left',
  'recording-started',
  'recording-ready',
];

/** The webhook URLs of the stack, read from serverless.yml's routes and the stack's base URL. */
export async function listEndpoints(target: Target) {
  const base = await target.apiUrl();
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), target.stage, target.region);
  const routes = defs.functions.flatMap((fn) => fn.httpRoutes);
  return routes.flatMap(({ method, path }) => {
    const key = `${method} ${path}`;
    if (path === '/video/{event}') {
      return VIDEO_EVENTS.map((event) => ({
        method,
        url: `${base}/video/${event}`,
        use: `video room webhook: ${event.replace('-', ' ')}`,
      }));
    }
    return [{ method, url: `${base}${path}`, use: SETTINGS[key] ?? '' }];
  });
}
