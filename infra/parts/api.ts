/** The regional REST API: every path and method proxied to the Lambda with response streaming. */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { gatewayLabel } from '../naming.ts';
import type { Plan } from '../../runtime/plan.ts';
import { logRetention } from './retention.ts';

/** API stage name; CloudFront's origin path is `/<stage>`, clients never see it. */
export const API_STAGE = 'live';

/** Creates the REST API (regional, access-logged) with a streaming proxy integration on `/` and `/{proxy+}`. */
export function createGatewayApi(scope: Construct, plan: Plan, fn: lambda.IFunction): apigw.RestApi {
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
    retention: logRetention(plan.gateway.runtime.logRetentionDays, scope),
  });
  const api = new apigw.RestApi(scope, 'Api', {
    restApiName: `sluice-${plan.gateway.name}-${plan.gateway.stage}`,
    description: `Sluice gateway ${gatewayLabel(plan)}; call it through CloudFront`,
    endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
    // The account-wide API Gateway CloudWatch role is account state, not this stack's (see APIG6 below).
    cloudWatchRole: false,
    deployOptions: {
      stageName: API_STAGE,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
        caller: false,
        httpMethod: true,
        ip: true,
        protocol: true,
        requestTime: true,
        resourcePath: true,
        responseLength: true,
        status: true,
        user: false,
      }),
    },
  });
  // 15 minutes: the longest stream; only allowed with STREAM (buffered integrations stop at 29 s).
  const integration = new apigw.LambdaIntegration(fn, {
    responseTransferMode: apigw.ResponseTransferMode.STREAM,
    timeout: Duration.minutes(15),
    // One invoke permission for the whole API instead of one per method.
    scopePermissionToMethod: false,
  });
  // SluiceStack outputs the URL under a stable name; drop the hash-suffixed duplicate RestApi always adds.
  api.node.tryRemoveChild('Endpoint');
  api.root.addMethod('ANY', integration);
  api.root.addProxy({ defaultIntegration: integration, anyMethod: true });
  acknowledgeApiFindings(api);
  return api;
}

function acknowledgeApiFindings(api: apigw.RestApi): void {
  const keysInLambda =
    'Clients authenticate with gateway API keys that the Lambda checks against the Plan (hashes only); ' +
    'an API Gateway authorizer or Cognito pool cannot express per-route, per-consumer keys.';
  Validations.of(api).acknowledge(
    { id: 'AwsSolutions-APIG4', reason: keysInLambda },
    { id: 'AwsSolutions-COG4', reason: keysInLambda },
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'A streaming Lambda proxy passes bodies through; the Lambda validates OpenAI-shaped requests against the ' +
        'Plan and answers with OpenAI error JSON, which a REST request validator cannot produce.',
    },
    {
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging needs the account-level API Gateway CloudWatch role, which one stack must not own; ' +
        'access logs (this stage) and the Lambda log group record every request.',
    },
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'The API only serves requests carrying the CloudFront origin-verify secret; WAF, when enabled in ' +
        'gateway.yaml, sits on the CloudFront distribution in front of it.',
    },
  );
}
