/** Helpers for test files that use DynamoDB Local: its endpoint (from the globalSetup), a client, and a fresh state table per file. Importing this module is what makes a run start DynamoDB Local. */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../runtime/store/table.ts';
import { DYNAMO_LOCAL_CREDENTIALS, DYNAMO_LOCAL_REGION } from './dynamodb-local-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local's endpoint; absent when the globalSetup decided no test file needs it. */
    dynamodbEndpoint?: string;
  }
}

/**
 * DynamoDB Local's endpoint for this run (`http://127.0.0.1:<port>`). Throws if it was not
 * started: test/setup/dynamodb-local.ts starts it only when a test file of the run imports
 * `setup/dynamo.ts` itself (an import through another helper is not seen).
 */
export function dynamoLocalEndpoint(): string {
  const endpoint = inject('dynamodbEndpoint');
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new Error(
      'DynamoDB Local is not running in this run: the globalSetup test/setup/dynamodb-local.ts starts it only when a selected test file imports test/setup/dynamo.ts directly. Import it from the test file.',
    );
  }
  return endpoint;
}

/** A new `DynamoDBClient` for DynamoDB Local (fake credentials, region us-east-1); `destroy()` it when done. */
export function dynamoLocalClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoLocalEndpoint(), region: DYNAMO_LOCAL_REGION, credentials: DYNAMO_LOCAL_CREDENTIALS });
}

let shared: DynamoDBClient | undefined;

/**
 * Creates a state table (keys `pk`/`sk`, TTL `expiresAt`) with a unique name starting with
 * `prefix` on DynamoDB Local and returns the name. The database is shared by all test files of
 * the run, so each file (or test) takes its own table.
 */
export async function freshTable(prefix: string): Promise<string> {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(prefix)) throw new Error(`freshTable: prefix "${prefix}" must be 1-200 characters of A-Z a-z 0-9 _ . -`);
  const name = `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  shared ??= dynamoLocalClient();
  await ensureTable(shared, name);
  return name;
}
