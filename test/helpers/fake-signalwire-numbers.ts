import { randomUUID } from 'node:crypto';

/** A phone number of the fake space, as the Compatibility API shows it. */
export interface FakeNumber {
  sid: string;
  phone_number: string;
  sms_url: string | null;
  sms_method: string;
  status_callback: string | null;
  status_callback_method: string;
}

const LIST = /^\/api\/laml\/2010-04-01\/Accounts\/[^/]+\/IncomingPhoneNumbers\.json$/;
const ONE = /^\/api\/laml\/2010-04-01\/Accounts\/[^/]+\/IncomingPhoneNumbers\/([^/]+)\.json$/;

/** IncomingPhoneNumbers for the fake SignalWire server: list (PhoneNumber filter) and update. */
export function createFakeNumbers() {
  const numbers: FakeNumber[] = [];
  return {
    numbers,
    add(phoneNumber: string): FakeNumber {
      const number = {
        sid: randomUUID(),
        phone_number: phoneNumber,
        sms_url: null,
        sms_method: 'POST',
        status_callback: null,
        status_callback_method: 'POST',
      };
      numbers.push(number);
      return number;
    },
    /** Answers the request when it is one of ours, else undefined. */
    handle(
      method: string,
      pathname: string,
      query: URLSearchParams,
      form: Record<string, string>,
    ): { status: number; body: unknown } | undefined {
      if (method === 'GET' && LIST.test(pathname)) {
        const wanted = query.get('PhoneNumber');
        return {
          status: 200,
          body: { incoming_phone_numbers: numbers.filter((n) => wanted === null || n.phone_number === wanted) },
        };
      }
      const one = ONE.exec(pathname);
      if (method !== 'POST' || !one) return undefined;
      const number = numbers.find((n) => n.sid === decodeURIComponent(one[1]!));
      if (!number)
        return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
      if (form.SmsUrl !== undefined) number.sms_url = form.SmsUrl;
      if (form.SmsMethod !== undefined) number.sms_method = form.SmsMethod;
      if (form.StatusCallback !== undefined) number.status_callback = form.StatusCallback;
      if (form.StatusCallbackMethod !== undefined) number.status_callback_method = form.StatusCallbackMethod;
      return { status: 200, body: number };
    },
  };
}
