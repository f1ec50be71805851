/**
 * The credential chain of the deployed functions (serverless.yml's esbuild `alias` puts this module in place of
 * `@aws-sdk/credential-provider-node`). Lambda hands a function its execution role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), where the SDK's default chain looks first; the rest
 * of that chain (profiles, SSO, web identity, instance metadata) can never answer there, so the bundles leave it out.
 * The local stack's functions are bundled the same way (local/bundle-cache.mjs); the CLI runs with the whole chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
