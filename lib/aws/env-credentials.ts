import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The execution role's credentials, as Lambda hands them to a function (and the local stack to its threads): in the
 * environment, read at each signing. What `@aws-sdk/credential-provider-env` does, without the SDK's client core it
 * imports (~20 KB of the ingest, which has no SDK client: lib/aws/sqs-send-message.ts).
 */
export function environmentCredentials(env: Readonly<Record<string, string | undefined>> = process.env): AwsCredentialIdentityProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
    const credentials: AwsCredentialIdentity = {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
      ...(env.AWS_CREDENTIAL_EXPIRATION && { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) }),
    };
    return credentials;
  };
}
