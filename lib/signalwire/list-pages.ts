import { DependencyError } from '../errors';
import type { AccountApi } from './account-api';
import { failureFor, type ListedMessage, parseJsonObject, toListedMessage } from './rest-responses';

const MAX_PAGES = 100;

/** Follows `next_page_uri` (same origin only: our Basic credentials go nowhere else) until the last page or `enough`. */
export async function listPages(
  account: AccountApi,
  firstUrl: string,
  enough: (page: ListedMessage[]) => boolean = () => false,
): Promise<ListedMessage[]> {
  const all: ListedMessage[] = [];
  let url: string | undefined = firstUrl;
  for (let pages = 0; url !== undefined; pages += 1) {
    if (pages === MAX_PAGES) throw new DependencyError(`signalwire: list messages has more than ${MAX_PAGES} pages`);
    const { status, text } = await account.call('list messages', url, { method: 'GET' });
    if (status < 200 || status >= 300) throw failureFor('list messages', status, text, account.redact);
    const body = parseJsonObject(text);
    if (!Array.isArray(body?.messages))
      throw new DependencyError(`signalwire: list messages answered HTTP ${status} without a message list`);
    const page = body.messages.flatMap(toListedMessage);
    all.push(...page);
    const next = body.next_page_uri;
    url = typeof next === 'string' && next !== '' && !enough(page) ? account.sameOrigin(next) : undefined;
  }
  return all;
}
