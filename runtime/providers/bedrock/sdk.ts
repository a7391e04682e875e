/** One AWS SDK `BedrockRuntimeClient` per provider: environment credentials, provider region else AWS_REGION, no SDK retries. */

import { createHttpClient, type HttpClient } from '../../http/client.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import { upstreamHandler } from './http-handler.ts';
import type { BedrockCaller, BedrockSdk } from './transport.ts';

let shared: HttpClient | undefined;

/** The process's HTTP client for Bedrock calls, created on first use. */
function httpClient(): HttpClient {
  shared ??= createHttpClient();
  return shared;
}

/**
 * A caller over a new SDK client for `provider`, signed with the environment's credentials (the
 * Lambda role; the standard chain in `sluice dev`), region = the provider's, else `AWS_REGION`.
 * `maxAttempts: 1`: retries and fallbacks are the pipeline's. The SDK honours
 * `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` itself (tests point it at a fake), so there is no override.
 */
export function sdkCaller(sdk: BedrockSdk, provider: PlanProviderBedrock, env: Readonly<Record<string, string | undefined>> = process.env): BedrockCaller {
  const { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } = sdk;
  const reached = new WeakSet<object>();
  const region = provider.region ?? env.AWS_REGION;
  const client = new BedrockRuntimeClient({ maxAttempts: 1, requestHandler: upstreamHandler(httpClient(), reached), ...(region ? { region } : {}) });
  return {
    // One branch per command type: the SDK's `send` overloads take one command type at a time.
    send: (command, options) =>
      command instanceof ConverseCommand ? client.send(command, options) : command instanceof ConverseStreamCommand ? client.send(command, options) : client.send(command, options),
    reached: (signal) => reached.has(signal),
  };
}
