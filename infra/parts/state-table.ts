/** The gateway's one DynamoDB table: counters, cache entries and circuit state, expiring through TTL. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/** TTL attribute (epoch seconds); TTL deletion is lazy, so readers compare it with now themselves. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Creates the on-demand, encrypted, point-in-time-recoverable state table (`pk`/`sk` strings), retained on delete. */
export function createStateTable(scope: Construct): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'StateTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
