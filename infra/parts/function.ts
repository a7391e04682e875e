/** The gateway Lambda: explicit role with exactly the permissions the runtime needs, its log group, its env. */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BUNDLE_FILES, LAMBDA_ENV } from '../../runtime/lambda/config.ts';
import { gatewayLabel } from '../naming.ts';
import type { Plan } from '../../runtime/plan.ts';
import { bedrockGrant, secretArns } from './permissions.ts';
import { logRetention } from './retention.ts';

/** DynamoDB actions the runtime uses on the state table; no Scan, no batch writes, no table management. */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
] as const;

/** Resources the function is wired to. */
export interface GatewayFunctionDeps {
  readonly code: lambda.Code;
  readonly table: dynamodb.TableV2;
  readonly deliveryStream: firehose.DeliveryStream;
  readonly originSecret: secretsmanager.Secret;
}

/** Creates the function (nodejs24.x, arm64, 15 min timeout) with its role (inline policy) and log group. */
export function createGatewayFunction(scope: Construct, plan: Plan, deps: GatewayFunctionDeps): lambda.Function {
  const { runtime } = plan.gateway;
  const logGroup = new logs.LogGroup(scope, 'FunctionLogs', {
    retention: logRetention(runtime.logRetentionDays, scope),
  });
  // Inline policy on an explicit role: no AWSLambdaBasicExecutionRole, logs only to this function's group.
  const role = new iam.Role(scope, 'FunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Sluice gateway ${gatewayLabel(plan)} function`,
    inlinePolicies: {
      gateway: new iam.PolicyDocument({ statements: functionStatements(Stack.of(scope), plan, { ...deps, logGroup }) }),
    },
  });
  acknowledgeBedrockWildcards(role, Stack.of(scope), plan);
  return new lambda.Function(scope, 'Function', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: BUNDLE_FILES.handler,
    code: deps.code,
    memorySize: runtime.memoryMb,
    timeout: Duration.minutes(15),
    reservedConcurrentExecutions: runtime.reservedConcurrency ?? undefined,
    role,
    logGroup,
    description: `Sluice gateway ${gatewayLabel(plan)}`,
    environment: {
      [LAMBDA_ENV.tableName]: deps.table.tableName,
      [LAMBDA_ENV.logStreamName]: deps.deliveryStream.deliveryStreamName,
      [LAMBDA_ENV.originVerifySecretArn]: deps.originSecret.secretArn,
      [LAMBDA_ENV.planHash]: plan.hash,
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
}

function functionStatements(
  stack: Stack,
  plan: Plan,
  deps: GatewayFunctionDeps & { readonly logGroup: logs.LogGroup },
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [deps.logGroup.logGroupArn],
    }),
    new iam.PolicyStatement({ actions: [...TABLE_ACTIONS], resources: [deps.table.tableArn] }),
    new iam.PolicyStatement({
      actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      resources: [deps.deliveryStream.deliveryStreamArn],
    }),
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [deps.originSecret.secretArn, ...secretArns(stack, plan.secrets)],
    }),
    ...bedrockGrant(stack, plan).statements,
  ];
}

/** Cross-region inference profiles route to the model in regions AWS picks, so those ARNs need a `*` region. */
function acknowledgeBedrockWildcards(role: iam.Role, stack: Stack, plan: Plan): void {
  for (const finding of bedrockGrant(stack, plan).wildcardFindings) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${finding}]`,
      reason:
        'A cross-region inference profile forwards to this foundation model in destination regions chosen by ' +
        'AWS; the statement only allows it through the profile (bedrock:InferenceProfileArn condition).',
    });
  }
}
