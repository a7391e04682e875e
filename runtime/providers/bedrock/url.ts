/** Bedrock pseudo-URLs (`bedrock://<region>/model/<modelId>/<operation>`): they name SDK calls; nothing is sent to them. */
import type { PlanProviderBedrock } from '../../plan.ts';

/** The SDK operations the transport runs. */
export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke';

/** Host of pseudo-URLs for a provider without a region: the SDK's own (`AWS_REGION`). */
export const DEFAULT_REGION_HOST = 'default';

/** The pseudo-URL for one SDK call. */
export function bedrockUrl(provider: PlanProviderBedrock, modelId: string, operation: BedrockOperation): string {
  return `bedrock://${provider.region ?? DEFAULT_REGION_HOST}/model/${encodeURIComponent(modelId)}/${operation}`;
}

/** What a pseudo-URL names, or null when it is not one. */
export function parseBedrockUrl(url: string): { readonly modelId: string; readonly operation: BedrockOperation } | null {
  const m = /^bedrock:\/\/[^/]+\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(url);
  if (!m) return null;
  try {
    return { modelId: decodeURIComponent(m[1]!), operation: m[2] as BedrockOperation };
  } catch {
    return null;
  }
}
