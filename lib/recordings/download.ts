import { Readable } from 'node:stream';
import { DependencyError } from '../errors';
import { basicAuthorization } from '../signalwire/account-api';
import type { RecordingDownload } from './copy-recording';

/**
 * GETs a recording: Basic project credentials only when the URL is on the SignalWire space (a recording URL elsewhere,
 * e.g. a pre-signed storage URL, gets none), no redirects followed (a redirect could lead anywhere: it fails the
 * copy), and a bound on the wait for the answer's headers (the body may take as long as the function has).
 */
export function createRecordingDownloader(options: {
  spaceOrigin?: string;
  credentials?: () => Promise<{ projectId: string; apiToken: string } | undefined>;
  headersTimeoutMs: number;
}) {
  return async (url: URL): Promise<RecordingDownload> => {
    const headers: Record<string, string> = {};
    if (options.spaceOrigin !== undefined && url.origin === options.spaceOrigin) {
      const credentials = await options.credentials?.();
      if (credentials !== undefined)
        headers.authorization = basicAuthorization(credentials.projectId, credentials.apiToken);
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.headersTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'manual', signal: abort.signal });
    } catch (error) {
      throw new DependencyError(
        `recording download failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    const length = Number(response.headers.get('content-length'));
    const contentType = response.headers.get('content-type');
    return {
      status: response.status,
      ...(contentType !== null && { contentType }),
      ...(Number.isInteger(length) &&
        length >= 0 &&
        response.headers.has('content-length') && { contentLength: length }),
      body: response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as never),
    };
  };
}
