/** Maps Plan day counts onto CloudWatch Logs retention values, refusing ones CloudWatch would reject. */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { InfraValidationError } from '../errors.ts';

/** Finite retention values CloudWatch Logs accepts. */
const VALID: readonly number[] = Object.values(RetentionDays).filter(
  (v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE,
);

/** `days` as a {@link RetentionDays}; throws `infra/log-retention-invalid` for a value CloudWatch does not accept. */
export function logRetention(days: number, scope: IConstruct): RetentionDays {
  if (!VALID.includes(days)) {
    throw new InfraValidationError(
      'infra/log-retention-invalid',
      `gateway.runtime.logRetentionDays is ${days}; use one of ${VALID.join(', ')}.`,
      scope,
    );
  }
  return days;
}
