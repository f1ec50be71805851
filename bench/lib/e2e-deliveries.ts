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

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const json = 'application/json';
const formType = 'application/x-www-form-urlencoded';

export function delivery(i: number, run: string): Delivery {
  const id = `${run}-${i}`;
  const cxml = Math.floor(i / 5) % 2 === 1;
  const at = new Date(Date.UTC(2025, 0, 15, 10, 0, i % 60)).toISOString();
  switch (i % 5) {
    case 0:
      return {
        path: '/call-status',
        contentType: json,
        body: JSON.stringify({
          call_id: id,
          call_state: 'answered',
          from: '+15551230000',
          to: '+15559870000',
          direction: 'inbound',
          timestamp: at,
        }),
        pk: `CALL#${id}`,
        sk: 'CALL',
        check: (item) => item.state === 'answered',
      };
    case 1:
      return cxml
        ? {
            path: '/call-status',
            contentType: formType,
            body: form({
              AccountSid: 'p-0000',
              CallSid: id,
              CallStatus: 'completed',
              CallDuration: '42',
              Direction: 'inbound',
              From: '+15559876543',
              To: '+15551234567',
            }),
            pk: `CALL#${id}`,
            sk: 'CALL',
            check: (item) => item.state === 'ended',
          }
        : {
            path: '/call-status',
            contentType: json,
            body: JSON.stringify({
              call_id: id,
              call_state: 'ringing',
              from: '+15551230000',
              to: '+15559870000',
              direction: 'inbound',
              timestamp: at,
            }),
            pk: `CALL#${id}`,
            sk: 'CALL',
            check: (item) => item.state === 'ringing',
          };
    case 2:
      return cxml
        ? {
            path: '/incoming-sms',
            contentType: formType,
            body: form({
              MessageSid: id,
              AccountSid: 'p-0000',
              From: '+15559876543',
              To: '+15551234567',
              Body: 'see you at 5',
              NumMedia: '0',
            }),
            pk: `MESSAGE#${id}`,
            sk: 'MESSAGE',
            check: (item) => item.body === 'see you at 5',
          }
        : {
            path: '/incoming-sms',
            contentType: json,
            body: JSON.stringify({
              message_id: id,
              from: '+15559876543',
              to: '+15551234567',
              body: 'on my way',
              timestamp: at,
              num_segments: 1,
              num_media: 0,
            }),
            pk: `MESSAGE#${id}`,
            sk: 'MESSAGE',
            check: (item) => item.body === 'on my way',
          };
    case 3:
      return cxml
        ? {
            path: '/message-status',
            contentType: formType,
            body: form({
              MessageSid: id,
              MessageStatus: 'sent',
              From: '+15551234567',
              To: '+15559876543',
              AccountSid: 'p-0000',
            }),
            pk: `MESSAGE#${id}`,
            sk: 'MESSAGE',
            check: (item) => item.status === 'sent',
          }
        : {
            path: '/message-status',
            contentType: json,
            body: JSON.stringify({ message_id: id, status: 'delivered', error_code: null, timestamp: at }),
            pk: `MESSAGE#${id}`,
            sk: 'MESSAGE',
            check: (item) => item.status === 'delivered',
          };
    default: {
      // Ten members join each room session (every fifth delivery is a video event), as rooms have several members.
      const session = `${run}-room-${Math.floor(i / 50)}`;
      return {
        path: '/video/events',
        contentType: json,
        body: JSON.stringify({
          event: 'member.joined',
          room_id: 'r-bench',
          room_session_id: session,
          room_name: 'bench',
          member_id: `m-${id}`,
          member_name: 'Alice',
          timestamp: at,
        }),
        pk: `ROOM#${session}`,
        sk: `MEMBER#m-${id}`,
        check: (item) => item.in_room === 1 && item.name === 'Alice',
      };
    }
  }
}
