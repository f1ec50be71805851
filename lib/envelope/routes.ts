/** What a delivery is, decided by the route SignalWire was pointed at (the body's shape is decided later). */
export type WebhookKind = 'call.status' | 'message.incoming' | 'message.status' | 'video.event' | 'swml.fetch';

export const WEBHOOK_KINDS: readonly WebhookKind[] = [
  'call.status',
  'message.incoming',
  'message.status',
  'video.event',
  'swml.fetch',
];

// Keyed by API Gateway's routeKey, the same string serverless.yml declares (method + path template).
const KIND_BY_ROUTE: Record<string, WebhookKind> = {
  'POST /call-status': 'call.status',
  'POST /incoming-sms': 'message.incoming',
  'POST /message-status': 'message.status',
  'POST /video/events': 'video.event',
  'POST /video/{event}': 'video.event',
  'GET /swml': 'swml.fetch',
  'POST /swml': 'swml.fetch',
};

export function kindForRoute(routeKey: string): WebhookKind | undefined {
  return KIND_BY_ROUTE[routeKey];
}

export function isWebhookKind(value: unknown): value is WebhookKind {
  return typeof value === 'string' && (WEBHOOK_KINDS as readonly string[]).includes(value);
}
