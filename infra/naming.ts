/** Names derived from the Plan: stack names and resource descriptions, pure functions of their inputs. */
import type { Plan } from '../runtime/plan.ts';

/** Name of the gateway stack: `Sluice-<gateway.name>-<stage>`. */
export function gatewayStackName(plan: Plan): string {
  return `Sluice-${plan.gateway.name}-${plan.gateway.stage}`;
}

/** Name of the us-east-1 stack holding a created CLOUDFRONT-scope web ACL. */
export function wafStackName(plan: Plan): string {
  return `${gatewayStackName(plan)}-waf`;
}

/** Short human label `<name> (<stage>)` for descriptions and comments. */
export function gatewayLabel(plan: Plan): string {
  return `${plan.gateway.name} (${plan.gateway.stage})`;
}
