/** Names derived from the Plan: stack, database and workgroup names and resource descriptions, pure functions of their inputs. */
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

/** Glue database of the request logs: `sluice_<name>_<stage>` (Athena names are lower case, digits and `_`). */
export function logDatabaseName(plan: Plan): string {
  return `sluice_${plan.gateway.name}_${plan.gateway.stage}`.replace(/-/g, '_');
}

/** Athena workgroup of the gateway: the stack name, unique per account and region like the stack. */
export function athenaWorkGroupName(plan: Plan): string {
  return gatewayStackName(plan);
}
