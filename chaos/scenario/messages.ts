import { form, json, pickFrom, type NewDelivery } from './delivery';

const OUR_NUMBER = '+15551234567';
const KEYWORD_BODIES = ['HELP', 'help', ' Help!', 'STATUS', 'status please', 'Info', 'INFO?'];
const OTHER_BODIES = ['hello', 'thanks, see you at 5', 'helpful tip: call me', 'ok'];

/**
 * Inbound SMS from one customer in one of the three shapes: a keyword (HELP, STATUS, INFO in any case and
 * punctuation) that must get exactly one reply, or plain text that gets none. Some customers send HELP twice:
 * two messages, two replies with the same text to the same number.
 */
export function inboundDeliveries(index: number, base: number, random: () => number): NewDelivery[] {
  const from = `+1666${String(index % 10_000_000).padStart(7, '0')}`;
  const twice = random() < 0.15;
  const keyword = twice || random() < 0.6;
  const bodies = twice
    ? ['HELP', 'HELP']
    : [keyword ? pickFrom(KEYWORD_BODIES, random) : pickFrom(OTHER_BODIES, random)];
  return bodies.map((body, n) =>
    inbound(`chaos-sms-${index}-${n}`, from, body, keyword, base + index * 1000 + n * 60_000, random),
  );
}

function inbound(
  messageId: string,
  from: string,
  body: string,
  keyword: boolean,
  at: number,
  random: () => number,
): NewDelivery {
  const effect = { kind: 'inbound' as const, messageId, from, to: OUR_NUMBER, keyword };
  switch (pickFrom(['flat', 'relay', 'cxml'] as const, random)) {
    case 'flat':
      return json(
        '/incoming-sms',
        {
          message_id: messageId,
          from,
          to: OUR_NUMBER,
          body,
          media: [],
          timestamp: new Date(at).toISOString(),
          num_segments: 1,
          num_media: 0,
        },
        effect,
      );
    case 'relay':
      return json(
        '/incoming-sms',
        { id: messageId, from, to: OUR_NUMBER, body, media: [], segments: 1, timestamp: at / 1000 },
        effect,
      );
    case 'cxml':
      return form(
        '/incoming-sms',
        { MessageSid: messageId, AccountSid: 'p-chaos', From: from, To: OUR_NUMBER, Body: body, NumMedia: '0' },
        effect,
      );
  }
}

/** An outbound message as SignalWire knows it in the end (the reconciler's source when its receipts are lost). */
export interface MessagePlan {
  messageId: string;
  /** Its receipts' shape: cXML messages live in the Compatibility API, the others in the messaging logs. */
  shape: 'flat' | 'relay' | 'cxml';
  status: 'delivered' | 'undelivered';
  from: string;
  to: string;
  /** Epoch ms it was queued. */
  queuedAt: number;
  /** What SignalWire charges once priced (dollars, positive); null: undelivered, not billed. */
  price: number | null;
}

/** Delivery receipts of one outbound message: queued, sent, then one terminal status (delivered or undelivered). */
export function statusDeliveries(
  index: number,
  base: number,
  random: () => number,
): { plan: MessagePlan; deliveries: NewDelivery[] } {
  const messageId = `chaos-out-${index}`;
  const terminal = random() < 0.8 ? 'delivered' : 'undelivered';
  const shape = pickFrom(['flat', 'relay', 'cxml'] as const, random);
  const plan: MessagePlan = {
    messageId,
    shape,
    status: terminal,
    from: OUR_NUMBER,
    to: '+15557654321',
    queuedAt: base + index * 1000,
    price: terminal === 'delivered' ? 0.0079 : null,
  };
  const deliveries = ['queued', 'sent', terminal].map((status, n) => {
    const at = base + index * 1000 + n * 1500;
    const effect = { kind: 'status' as const, messageId, status };
    const error = status === 'undelivered' ? { code: '30003', message: 'Unreachable destination handset' } : undefined;
    if (shape === 'cxml') {
      return form(
        '/message-status',
        {
          MessageSid: messageId,
          MessageStatus: status,
          From: OUR_NUMBER,
          To: '+15557654321',
          AccountSid: 'p-chaos',
          ...(error && { ErrorCode: error.code }),
        },
        effect,
      );
    }
    const common = {
      status,
      from: OUR_NUMBER,
      to: '+15557654321',
      error_code: error?.code ?? null,
      ...(error && { error_message: error.message }),
    };
    return shape === 'flat'
      ? json('/message-status', { message_id: messageId, timestamp: new Date(at).toISOString(), ...common }, effect)
      : json(
          '/message-status',
          {
            id: messageId,
            project_id: 'p-chaos',
            body: 'Hello!',
            number_of_segments: 1,
            timestamp: at / 1000,
            ...common,
          },
          effect,
        );
  });
  return { plan, deliveries };
}
