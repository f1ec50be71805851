import { PermanentError } from '../errors';
import { occurredAtFrom } from '../signalwire/occurred-at';
import {
  MAX_ADDRESS_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
  hasField,
  readOptionalCount,
  readOptionalString,
  readRequiredString,
  type Payload,
  type PayloadShape,
} from '../signalwire/payload-fields';

/** An inbound SMS/MMS, whichever of the three shapes it arrived in. */
export interface IncomingMessage {
  messageId: string;
  from: string;
  to: string;
  /** Empty for an MMS without text. */
  body: string;
  mediaUrls: string[];
  segments: number;
  /** Epoch milliseconds. */
  occurredAt: number;
  shape: PayloadShape;
}

const CONTEXT = 'incoming message';
const MAX_MEDIA_ITEMS = 50;
const MAX_SEGMENTS = 1000;

/**
 * flat:  {message_id, from, to, body, media[], timestamp, num_segments, num_media}
 * RELAY: {id, from, to, body, media[], segments | number_of_segments, timestamp}
 * cXML:  MessageSid, AccountSid, From, To, Body, NumMedia, MediaUrl0..N, MediaContentType0..N (no timestamp)
 */
export function normalizeIncomingMessage(payload: Payload, receivedAt: string): IncomingMessage {
  if (hasField(payload, 'MessageSid')) return fromCxml(payload, receivedAt);
  if (hasField(payload, 'message_id')) return fromFlat(payload, receivedAt);
  if (hasField(payload, 'id')) return fromRelay(payload, receivedAt);
  throw new PermanentError(`${CONTEXT}: missing message id`);
}

function fromFlat(payload: Payload, receivedAt: string): IncomingMessage {
  readOptionalCount(payload, 'num_media', CONTEXT, 'num_media', MAX_MEDIA_ITEMS);
  return fromShape(
    payload,
    receivedAt,
    'flat',
    'message_id',
    readOptionalCount(payload, 'num_segments', CONTEXT, 'num_segments', MAX_SEGMENTS),
  );
}

function fromRelay(payload: Payload, receivedAt: string): IncomingMessage {
  const segments =
    readOptionalCount(payload, 'number_of_segments', CONTEXT, 'number_of_segments', MAX_SEGMENTS) ??
    readOptionalCount(payload, 'segments', CONTEXT, 'segments', MAX_SEGMENTS);
  return fromShape(payload, receivedAt, 'relay', 'id', segments);
}

// The fields both shapes name alike; they differ in the id's name and how segments are counted.
function fromShape(
  payload: Payload,
  receivedAt: string,
  shape: 'flat' | 'relay',
  idKey: string,
  segments: number | undefined,
): IncomingMessage {
  return {
    messageId: readRequiredString(payload, idKey, CONTEXT, 'message id'),
    ...readAddresses(payload, 'from', 'to'),
    body: readBody(payload, 'body'),
    mediaUrls: readMediaArray(payload.media),
    segments: segments ?? 1,
    occurredAt: occurredAtFrom(payload.timestamp, receivedAt, CONTEXT),
    shape,
  };
}

function fromCxml(payload: Payload, receivedAt: string): IncomingMessage {
  readOptionalCount(payload, 'NumMedia', CONTEXT, 'NumMedia', MAX_MEDIA_ITEMS);
  // MediaUrl0..N are collected as present rather than trusted from NumMedia, so a gap cannot hide a later URL.
  const mediaUrls: string[] = [];
  for (let index = 0; index < MAX_MEDIA_ITEMS; index += 1) {
    const url = payload[`MediaUrl${index}`];
    if (url !== undefined && url !== null && url !== '') mediaUrls.push(readMediaUrl(url));
  }
  return {
    messageId: readRequiredString(payload, 'MessageSid', CONTEXT, 'message id'),
    ...readAddresses(payload, 'From', 'To'),
    body: readBody(payload, 'Body'),
    mediaUrls,
    segments: readOptionalCount(payload, 'NumSegments', CONTEXT, 'NumSegments', MAX_SEGMENTS) ?? 1,
    occurredAt: occurredAtFrom(payload.Timestamp, receivedAt, CONTEXT),
    shape: 'cxml',
  };
}

// Both ends are required: an inbound message without a sender or a recipient cannot be answered or attributed.
function readAddresses(payload: Payload, fromKey: string, toKey: string): { from: string; to: string } {
  return {
    from: readRequiredString(payload, fromKey, CONTEXT, 'from', MAX_ADDRESS_LENGTH),
    to: readRequiredString(payload, toKey, CONTEXT, 'to', MAX_ADDRESS_LENGTH),
  };
}

function readBody(payload: Payload, key: string): string {
  return readOptionalString(payload, key, CONTEXT, 'body', MAX_TEXT_LENGTH) ?? '';
}

function readMediaArray(media: unknown): string[] {
  if (media === undefined || media === null) return [];
  if (!Array.isArray(media)) throw new PermanentError(`${CONTEXT}: media is not an array`);
  if (media.length > MAX_MEDIA_ITEMS) throw new PermanentError(`${CONTEXT}: too many media items`);
  return media.map(readMediaUrl);
}

function readMediaUrl(url: unknown): string {
  if (typeof url !== 'string') throw new PermanentError(`${CONTEXT}: media url is not a string`);
  if (url.length > MAX_URL_LENGTH) throw new PermanentError(`${CONTEXT}: media url is too long`);
  if (!/^https?:\/\/\S+$/i.test(url)) throw new PermanentError(`${CONTEXT}: media url is not an http(s) url`);
  return url;
}
