/** The file URL of an up-to-date bundle of the module at `entryUrl` (a file URL), built first if missing or stale. */
export function cachedBundle(entryUrl: URL | string): Promise<string>;
