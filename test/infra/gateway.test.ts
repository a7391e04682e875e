/** `SluiceGateway` for an env-agnostic Plan: every resource property the issue lists, as template assertions. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACTIONS } from '../../infra/parts/function.ts';
import { LAMBDA_ENV, ORIGIN_VERIFY_HEADER } from '../../runtime/lambda/config.ts';
import { testPlan } from '../support/plan.ts';
import { resourcesOf, type Synthesized, synthPlan } from '../support/synth.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const plan = testPlan();

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthPlan(plan);
  template = synth.template;
});

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
  readonly Condition?: unknown;
}

function functionStatements(): Statement[] {
  const roles = resourcesOf(template, 'AWS::IAM::Role');
  const role = Object.entries(roles).find(([id]) => id.startsWith('GatewayFunctionRole'));
  const policies = role?.[1].Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  expect(policies).toHaveLength(1);
  return policies[0]?.PolicyDocument.Statement ?? [];
}

const actionsOf = (s: Statement): string[] => [s.Action].flat();
const statementWith = (action: string): Statement | undefined => functionStatements().find((s) => actionsOf(s).includes(action));

describe('stack', () => {
  it('is named Sluice-<gateway>-<stage> and is env-agnostic', () => {
    expect(synth.gateway.stackName).toBe('Sluice-acme-prod');
    expect(synth.gateway.resolve(synth.gateway.region)).toEqual({ Ref: 'AWS::Region' });
    expect(synth.waf).toBeUndefined();
  });

  it('keeps the logical ids of stateful resources (a change would replace them)', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { Properties: Match.anyValue() });
    expect(Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))).toEqual(['GatewayStateTable2585DB1F']);
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual(['GatewayLogBucketA2A93EE5']);
  });

  it('outputs the CloudFront URL and the API URL', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'ApiUrl', 'AthenaWorkGroup', 'DashboardName', 'DashboardUrl', 'GatewayUrl', 'LogDatabase', 'StateTableName']);
    expect(outputs.StateTableName?.Value).toEqual({ Ref: expect.stringMatching(/^GatewayStateTable/) as unknown });
    expect(outputs.GatewayUrl?.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^GatewayDistribution/), 'DomainName'] }]],
    });
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('.execute-api.');
  });
});

describe('REST API', () => {
  it('is regional', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('proxies / and /{proxy+} (any method) to the Lambda with response streaming and a 15-minute timeout', () => {
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method');
    expect(Object.keys(methods)).toHaveLength(2);
    for (const method of Object.values(methods)) {
      expect(method.Properties).toMatchObject({ HttpMethod: 'ANY', AuthorizationType: 'NONE' });
      const integration = method.Properties.Integration as Record<string, unknown>;
      expect(integration).toMatchObject({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        TimeoutInMillis: 900000,
        ResponseTransferMode: 'STREAM',
      });
      expect(JSON.stringify(integration.Uri)).toContain('/2021-11-15/functions/');
      expect(JSON.stringify(integration.Uri)).toContain('/response-streaming-invocations');
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('writes JSON access logs to a log group with the Plan retention', () => {
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    expect(stage?.Properties.StageName).toBe('live');
    const setting = stage?.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
    expect(JSON.stringify(setting.DestinationArn)).toMatch(/":log-group:",\{"Ref":"GatewayApiAccessLogs[0-9A-F]{8}"\}/);
    expect(JSON.parse(setting.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('lets API Gateway invoke the function (one permission for the whole API)', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
  });
});

describe('Lambda function', () => {
  it('runs nodejs24.x on arm64 with the Plan memory, reserved concurrency and a 15-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1536,
      ReservedConcurrentExecutions: 50,
      Timeout: 900,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^GatewayFunctionLogs') } },
    });
  });

  it('names the table, the delivery stream, the origin-verify secret and the Plan hash in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [LAMBDA_ENV.tableName]: { Ref: Match.stringLikeRegexp('^GatewayStateTable') },
          [LAMBDA_ENV.logStreamName]: { Ref: Match.stringLikeRegexp('^GatewayLogStream') },
          [LAMBDA_ENV.originVerifySecretArn]: { Ref: Match.stringLikeRegexp('^GatewayOriginVerifySecret') },
          [LAMBDA_ENV.planHash]: plan.hash,
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('has an explicit role without managed policies', () => {
    const roles = resourcesOf(template, 'AWS::IAM::Role');
    const role = Object.entries(roles).find(([id]) => id.startsWith('GatewayFunctionRole'))?.[1];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
    });
  });

  it('omits reserved concurrency when the Plan sets none', () => {
    const other = synthPlan(testPlan({ gateway: { runtime: { ...plan.gateway.runtime, reservedConcurrency: null } } }));
    const fn = Object.values(resourcesOf(other.template, 'AWS::Lambda::Function'))[0];
    expect(fn?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('function permissions', () => {
  it('grant nothing on "*" and only the expected actions', () => {
    const all = functionStatements();
    expect(all.every((s) => s.Effect === 'Allow' && s.Resource !== '*')).toBe(true);
    expect(all.flatMap(actionsOf).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        ...TABLE_ACTIONS,
        'firehose:PutRecord',
        'firehose:PutRecordBatch',
        'secretsmanager:GetSecretValue',
        // direct models, then the profile-only statement
        'bedrock:InvokeModel',
        'bedrock:InvokeModelWithResponseStream',
        'bedrock:InvokeModel',
        'bedrock:InvokeModelWithResponseStream',
      ].sort(),
    );
  });

  it('write logs only to the function log group', () => {
    expect(statementWith('logs:PutLogEvents')?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^GatewayFunctionLogs/), 'Arn'],
    });
  });

  it('limit DynamoDB to item reads/writes and Query on the state table', () => {
    const statement = statementWith('dynamodb:GetItem');
    expect(actionsOf(statement as Statement).sort()).toEqual([...TABLE_ACTIONS].sort());
    expect(statement?.Resource).toEqual({ 'Fn::GetAtt': ['GatewayStateTable2585DB1F', 'Arn'] });
  });

  it('limit Firehose to PutRecord/PutRecordBatch on the log stream', () => {
    expect(statementWith('firehose:PutRecord')?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^GatewayLogStream/), 'Arn'],
    });
  });

  it('read exactly the origin-verify secret and the Plan secrets (names with the -?????? suffix)', () => {
    const resources = statementWith('secretsmanager:GetSecretValue')?.Resource as unknown[];
    expect(resources).toHaveLength(3);
    expect(resources).toContainEqual({ Ref: expect.stringMatching(/^GatewayOriginVerifySecret/) });
    expect(resources).toContainEqual('arn:aws:secretsmanager:eu-west-1:111122223333:secret:sluice/team-AbCdEf');
    expect(JSON.stringify(resources)).toContain(':secret:sluice/openai-??????');
  });

  it('invoke exactly the Bedrock models and inference profile the routes reach', () => {
    const [direct, profileOnly] = functionStatements().filter((s) => actionsOf(s).includes('bedrock:InvokeModel'));
    expect(actionsOf(direct as Statement).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    const text = JSON.stringify(direct?.Resource);
    expect(text).toContain('::foundation-model/anthropic.claude-3-haiku-20240307-v1:0');
    expect(text).toContain(':bedrock:us-west-2:');
    expect(text).toContain(':inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(JSON.stringify(profileOnly?.Resource)).toContain(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0');
    expect(JSON.stringify(profileOnly?.Condition)).toContain('bedrock:InferenceProfileArn');
    expect(JSON.stringify(profileOnly?.Condition)).toContain('inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
  });
});

describe('state table', () => {
  it('is on-demand, encrypted, point-in-time recoverable, expires items by expiresAt and is retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });
});

describe('request logs', () => {
  it('land in an encrypted, private, retained bucket that expires objects after logging.retentionDays', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ Status: 'Enabled', ExpirationInDays: 90, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
            Match.objectLike({ Id: 'expire-athena-results', Prefix: 'athena-results/', Status: 'Enabled', ExpirationInDays: 7 }),
          ],
        },
      }),
    });
  });

  it('refuse requests without TLS (and below TLS 1.2)', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('are delivered by Firehose as GZIP under a dt= date prefix with an error prefix', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': ['GatewayLogBucketA2A93EE5', 'Arn'] },
        CompressionFormat: 'GZIP',
        Prefix: 'logs/dt=!{timestamp:yyyy-MM-dd}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
      }),
    });
  });
});

describe('log groups', () => {
  it('all keep gateway.runtime.logRetentionDays (function, API access, Firehose errors)', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(Object.keys(groups).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'GatewayApiAccessLogs',
      'GatewayFunctionLogs',
      'GatewayLogStreamErrors',
    ]);
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(14);
  });
});

describe('CloudFront', () => {
  it('forwards to the API over HTTPS only, without caching, with all viewer headers but Host', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          Compress: false,
        }),
        HttpVersion: 'http2and3',
        PriceClass: 'PriceClass_100',
      }),
    });
  });

  it('waits originReadTimeoutMs for origin bytes and talks TLS 1.2 to the origin', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({
            CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginReadTimeout: 60, OriginSSLProtocols: ['TLSv1.2'] },
          }),
        ],
      }),
    });
  });

  it('sends the origin-verify secret through a deploy-time dynamic reference, never a literal', () => {
    const dist = Object.values(resourcesOf(template, 'AWS::CloudFront::Distribution'))[0];
    const origin = (dist?.Properties.DistributionConfig as { Origins: { OriginCustomHeaders: unknown[] }[] }).Origins[0];
    expect(origin?.OriginCustomHeaders).toEqual([
      {
        HeaderName: ORIGIN_VERIFY_HEADER,
        HeaderValue: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: expect.stringMatching(/^GatewayOriginVerifySecret/) }, ':SecretString:::}}']],
        },
      },
    ]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 48 },
    });
  });

  it('has no geo restriction, custom domain or web ACL when the Plan sets none', () => {
    const dist = Object.values(resourcesOf(template, 'AWS::CloudFront::Distribution'))[0];
    const config = dist?.Properties.DistributionConfig as Record<string, unknown>;
    expect(config.Restrictions).toBeUndefined();
    expect(config.Aliases).toBeUndefined();
    expect(config.WebACLId).toBeUndefined();
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});
