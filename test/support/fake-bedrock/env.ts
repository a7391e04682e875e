/** Points the AWS SDK at a fake Bedrock (endpoint, fake static credentials, us-east-1) for a test file, restoring the environment afterwards. */
import { afterAll, beforeAll } from 'vitest';

const KEYS = ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE'] as const;

/** Fake static credentials (never valid anywhere). */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } as const;

/** Points the AWS SDK at `endpoint()` with fake credentials for the duration of the file. */
export function useAwsEnv(endpoint: () => string): void {
  const saved: Partial<Record<(typeof KEYS)[number], string | undefined>> = {};
  beforeAll(() => {
    for (const k of KEYS) saved[k] = process.env[k];
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = endpoint();
    process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}
