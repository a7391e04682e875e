/** The deployment contract between infra and the Lambda: env var names, header name, bundle layout. */

/** Header CloudFront adds to every origin request; its value is the origin-verify secret. */
export const ORIGIN_VERIFY_HEADER = 'x-sluice-origin-verify';

/** Environment variables infra sets on the function. */
export const LAMBDA_ENV = {
  /** Name of the DynamoDB state table (limits, cache, circuit state). */
  tableName: 'SLUICE_TABLE_NAME',
  /** Name of the Firehose delivery stream for request log records. */
  logStreamName: 'SLUICE_LOG_STREAM_NAME',
  /** ARN of the Secrets Manager secret holding the origin-verify header value. */
  originVerifySecretArn: 'SLUICE_ORIGIN_VERIFY_SECRET_ARN',
  /** Hash of the Plan embedded in the bundle (for logs and a quick look in the console). */
  planHash: 'SLUICE_PLAN_HASH',
} as const;

/** Files of a runtime bundle directory, and the Lambda handler string that points into it. */
export const BUNDLE_FILES = {
  code: 'index.mjs',
  sourceMap: 'index.mjs.map',
  plan: 'plan.json',
  handler: 'index.handler',
} as const;
