/** How a function is bundled for Lambda, as serverless.yml's `custom.esbuild` says. */
export const LAMBDA_BUNDLING: { mainFields: string[]; alias: Record<string, string> };

/**
 * The file URL of an up-to-date bundle of the module at `entryUrl` (a file URL), built first if missing or stale;
 * `lambda`: its packages bundled as for Lambda.
 */
export function cachedBundle(entryUrl: URL | string, options?: { lambda?: boolean }): Promise<string>;
