/**
 * The end-to-end bench's mix: five kinds in turn, each delivery with its own id, so every acknowledged one can be
 * found in the table afterwards (video: ten members join each room session). Shapes alternate between flat JSON and
 * cXML forms as SignalWire sends them.
 */
export interface Delivery {
  path: string;
  contentType: string;
  body: string;
  /** The item the worker must have written (its key), and what it must hold. */
  pk: string;
  sk: string;
  check(item: Record<string, any>): boolean;
}

type Check = Delivery['check'];
const call = (id: string) => ({ pk: `CALL#${id}`, sk: 'CALL' });
const message = (id: string) => ({ pk: `MESSAGE#${id}`, sk: 'MESSAGE' });

/** A delivery as flat JSON, or as a cXML form, and the item it must leave behind. */
function asJson(
  path: string,
  payload: Record<string, unknown>,
  item: { pk: string; sk: string },
  check: Check,
): Delivery {
  return { path, contentType: 'application/json', body: JSON.stringify(payload), ...item, check };
}
function asForm(
  path: string,
  fields: Record<string, string>,
  item: { pk: string; sk: string },
  check: Check,
): Delivery {
  const body = new URLSearchParams(fields).toString();
  return { path, contentType: 'application/x-www-form-urlencoded', body, ...item, check };
}

export function delivery(i: number, run: string): Delivery {
  const id = `${run}-${i}`;
  const cxml = Math.floor(i / 5) % 2 === 1;
  const at = new Date(Date.UTC(2025, 0, 15, 10, 0, i % 60)).toISOString();
  const relayCall = (state: string) => ({
    call_id: id,
    call_state: state,
    from: '+15551230000',
    to: '+15559870000',
    direction: 'inbound',
    timestamp: at,
  });
  const cxmlFrom = { AccountSid: 'p-0000', From: '+15559876543', To: '+15551234567' };
  switch (i % 5) {
    case 0:
      return asJson('/call-status', relayCall('answered'), call(id), (item) => item.state === 'answered');
    case 1:
      return cxml
        ? asForm(
            '/call-status',
            { ...cxmlFrom, CallSid: id, CallStatus: 'completed', CallDuration: '42', Direction: 'inbound' },
            call(id),
            (item) => item.state === 'ended',
          )
        : asJson('/call-status', relayCall('ringing'), call(id), (item) => item.state === 'ringing');
    case 2:
      return cxml
        ? asForm(
            '/incoming-sms',
            { ...cxmlFrom, MessageSid: id, Body: 'see you at 5', NumMedia: '0' },
            message(id),
            (item) => item.body === 'see you at 5',
          )
        : asJson(
            '/incoming-sms',
            {
              message_id: id,
              from: '+15559876543',
              to: '+15551234567',
              body: 'on my way',
              timestamp: at,
              num_segments: 1,
              num_media: 0,
            },
            message(id),
            (item) => item.body === 'on my way',
          );
    case 3:
      return cxml
        ? asForm(
            '/message-status',
            { MessageSid: id, MessageStatus: 'sent', From: '+15551234567', To: '+15559876543', AccountSid: 'p-0000' },
            message(id),
            (item) => item.status === 'sent',
          )
        : asJson(
            '/message-status',
            { message_id: id, status: 'delivered', error_code: null, timestamp: at },
            message(id),
            (item) => item.status === 'delivered',
          );
    default: {
      // Ten members join each room session (every fifth delivery is a video event), as rooms have several members.
      const session = `${run}-room-${Math.floor(i / 50)}`;
      const joined = {
        event: 'member.joined',
        room_id: 'r-bench',
        room_session_id: session,
        room_name: 'bench',
        member_id: `m-${id}`,
        member_name: 'Alice',
        timestamp: at,
      };
      return asJson(
        '/video/events',
        joined,
        { pk: `ROOM#${session}`, sk: `MEMBER#m-${id}` },
        (item) => item.in_room === 1 && item.name === 'Alice',
      );
    }
  }
}
