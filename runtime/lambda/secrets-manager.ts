/** Reads secret strings from AWS Secrets Manager (the only AWS SDK client the minimal runtime needs). */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretFetcher } from './secret-cache.ts';

/** A {@link SecretFetcher} over `client`; a secret without a string value is an error (binary secrets are unsupported). */
export function secretsManagerFetcher(client: SecretsManagerClient): SecretFetcher {
  return async (secretId) => {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof output.SecretString !== 'string') {
      throw new Error(`Secret ${secretId} has no string value.`);
    }
    return output.SecretString;
  };
}
