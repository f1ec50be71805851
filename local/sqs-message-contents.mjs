// What SQS refuses in a message that the local emulator would accept: a character outside #x9 | #xA | #xD |
// #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a body or a string attribute value (InvalidMessageContents).
// The front (local/aws-front.mjs) answers SQS's own refusal for it, so a test of what we send can fail here as on AWS.
const NOT_ALLOWED_IN_SQS = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The refusal SQS answers (JSON protocol), or undefined when every message of a SendMessage(Batch) is acceptable. */
export function sqsContentsRefusal(headers, body) {
  const target = String(headers['x-amz-target'] ?? '');
  if (target !== 'AmazonSQS.SendMessage' && target !== 'AmazonSQS.SendMessageBatch') return undefined;
  let input;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // the emulator answers a malformed request itself
  }
  const messages = target === 'AmazonSQS.SendMessage' ? [input] : (input.Entries ?? []);
  const texts = messages.flatMap((m) => [
    m.MessageBody,
    ...Object.values(m.MessageAttributes ?? {}).map((a) => a?.StringValue),
  ]);
  if (!texts.some((text) => typeof text === 'string' && NOT_ALLOWED_IN_SQS.test(text))) return undefined;
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'InvalidMessageContents;Sender' },
    body: JSON.stringify({
      __type: 'com.amazonaws.sqs#InvalidMessageContents',
      message:
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    }),
  };
}
