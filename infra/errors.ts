/** Construct-scoped validation error for infra: a stable code, the construct path and a fix in the message. */
import type { IConstruct } from 'constructs';

/** Codes of infra validation errors (kebab-case, `infra/` prefix, never reused). */
export type InfraErrorCode =
  | 'infra/waf-needs-region'
  | 'infra/waf-acl-missing'
  | 'infra/hosted-zone-incomplete'
  | 'infra/log-retention-invalid'
  | 'infra/origin-read-timeout-invalid';

/** Thrown when a Plan cannot be turned into resources; the message names the Plan field and the fix. */
export class InfraValidationError extends Error {
  /** Path of the construct that refused the Plan. */
  readonly constructPath: string;

  /** @param code stable error code  @param message what is wrong and how to fix it  @param scope the refusing construct */
  constructor(
    readonly code: InfraErrorCode,
    message: string,
    scope: IConstruct,
  ) {
    super(`${code}: ${message} (at ${scope.node.path || '<root>'})`);
    this.name = 'InfraValidationError';
    this.constructPath = scope.node.path;
  }
}
