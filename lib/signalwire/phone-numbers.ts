import { PermanentError } from '../errors';
import { requireHttpsUrl } from '../security/https-url';
import { createAccountApi, type SignalWireApiConfig } from './account-api';
import { failureFor, parseJsonObject } from './rest-responses';

/** What a phone number is pointed at after `configurePhoneNumber`. */
export interface ConfiguredNumber {
  sid: string;
  phone_number: string;
  sms_url: string;
  status_callback: string;
}

/**
 * Points one of the project's phone numbers at this stack through the Compatibility API (IncomingPhoneNumbers):
 * inbound messages to `/incoming-sms`, call status callbacks to `/call-status`, both POST. The number is looked up
 * by its E.164 form. Every URL handed to SignalWire must be https (loopback http only for local tests).
 */
export async function configurePhoneNumber(
  config: SignalWireApiConfig,
  phoneNumber: string,
  baseUrl: string,
): Promise<ConfiguredNumber> {
  if (!/^\+[1-9]\d{6,14}$/.test(phoneNumber))
    throw new PermanentError(`not an E.164 phone number: ${phoneNumber.slice(0, 32)}`);
  const base = baseUrl.replace(/\/+$/, '');
  const smsUrl = requireHttpsUrl(`${base}/incoming-sms`, 'the webhook base URL');
  const statusCallback = requireHttpsUrl(`${base}/call-status`, 'the webhook base URL');
  const account = createAccountApi(config);

  const query = new URLSearchParams({ PhoneNumber: phoneNumber });
  const found = await account.call('find phone number', `${account.url('IncomingPhoneNumbers.json')}?${query}`, {
    method: 'GET',
  });
  if (found.status !== 200) throw failureFor('find phone number', found.status, found.text, account.redact);
  const numbers = parseJsonObject(found.text)?.incoming_phone_numbers;
  const match = Array.isArray(numbers)
    ? (numbers as Record<string, unknown>[]).find((n) => n.phone_number === phoneNumber)
    : undefined;
  if (typeof match?.sid !== 'string')
    throw new PermanentError(`phone number ${phoneNumber} is not in this SignalWire project`);

  const form = new URLSearchParams({
    SmsUrl: smsUrl,
    SmsMethod: 'POST',
    StatusCallback: statusCallback,
    StatusCallbackMethod: 'POST',
  });
  const updated = await account.call(
    'update phone number',
    account.url(`IncomingPhoneNumbers/${encodeURIComponent(match.sid)}.json`),
    { method: 'POST', body: form },
  );
  if (updated.status < 200 || updated.status >= 300)
    throw failureFor('update phone number', updated.status, updated.text, account.redact);
  const body = parseJsonObject(updated.text) ?? {};
  return {
    sid: match.sid,
    phone_number: phoneNumber,
    sms_url: typeof body.sms_url === 'string' ? body.sms_url : smsUrl,
    status_callback: typeof body.status_callback === 'string' ? body.status_callback : statusCallback,
  };
}
