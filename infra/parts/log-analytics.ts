/**
 * SQL over the request logs: a Glue database and table over `s3://<log bucket>/logs/`
 * (GZIP NDJSON read by the OpenX JSON SerDe, `dt` partitions found by projection, so no
 * crawler and no `MSCK REPAIR`), an Athena workgroup that writes encrypted results next to
 * the logs and refuses runaway scans, and the saved queries of log-queries.ts.
 *
 * Nothing here grants access: Athena users bring their own permissions for Athena, Glue and
 * the bucket, and the function role is untouched.
 * @module
 */
import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Plan } from '../../runtime/plan.ts';
import { athenaWorkGroupName, gatewayLabel, logDatabaseName } from '../naming.ts';
import { logTableColumns, PARTITION_COLUMN } from './log-columns.ts';
import { logQueries } from './log-queries.ts';

/** Name of the request log table inside the gateway's database. */
export const LOG_TABLE_NAME = 'requests';
/** Prefix of the table's objects; Firehose writes `logs/dt=yyyy-MM-dd/` (request-logs.ts). */
export const LOG_TABLE_PREFIX = 'logs/';
/** Prefix of Athena query results in the log bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
/** Athena results are kept this long; a query can always be run again. */
export const ATHENA_RESULTS_DAYS = 7;
/** A query that would scan more is cancelled (about USD 0.05 at Athena's USD 5 per TB). */
export const BYTES_SCANNED_CUTOFF = Size.gibibytes(10);

/** What {@link createLogAnalytics} adds. */
export interface LogAnalytics {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly queries: readonly athena.CfnNamedQuery[];
}

/** Creates the database, the table, the workgroup and the saved queries over `bucket`. */
export function createLogAnalytics(scope: Construct, plan: Plan, bucket: s3.Bucket): LogAnalytics {
  const account = Stack.of(scope).account;
  const database = new glue.CfnDatabase(scope, 'LogDatabase', {
    catalogId: account,
    databaseInput: { name: logDatabaseName(plan), description: `Sluice gateway ${gatewayLabel(plan)} request logs` },
  });
  const table = new glue.CfnTable(scope, 'LogTable', {
    catalogId: account,
    databaseName: database.ref,
    tableInput: logTableInput(plan, `s3://${bucket.bucketName}/${LOG_TABLE_PREFIX}`),
  });
  bucket.addLifecycleRule({ id: 'expire-athena-results', prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(ATHENA_RESULTS_DAYS) });
  const workGroup = createWorkGroup(scope, plan, bucket);
  const queries = logQueries(LOG_TABLE_NAME).map((q) => {
    const query = new athena.CfnNamedQuery(scope, `LogQuery${q.id}`, {
      name: `Sluice ${gatewayLabel(plan)}: ${q.title}`,
      description: q.description,
      database: database.ref,
      workGroup: workGroup.ref,
      queryString: q.sql,
    });
    query.addResourceDependency(table);
    return query;
  });
  return { database, table, workGroup, queries };
}

/** The table: GZIP JSON lines under `location`, `dt` projected from NOW minus the log retention to NOW. */
function logTableInput(plan: Plan, location: string): glue.CfnTable.TableInputProperty {
  return {
    name: LOG_TABLE_NAME,
    description: 'One row per request (record schema v1, docs/log-record.md)',
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      compressionType: 'gzip',
      'projection.enabled': 'true',
      [`projection.${PARTITION_COLUMN}.type`]: 'date',
      [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
      [`projection.${PARTITION_COLUMN}.range`]: `NOW-${plan.logging.retentionDays}DAYS,NOW`,
      [`projection.${PARTITION_COLUMN}.interval`]: '1',
      [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
      'storage.location.template': `${location}${PARTITION_COLUMN}=\${${PARTITION_COLUMN}}/`,
    },
    partitionKeys: [{ name: PARTITION_COLUMN, type: 'string', comment: 'UTC date the record reached the log stream (yyyy-MM-dd)' }],
    storageDescriptor: {
      location,
      columns: logTableColumns(),
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      compressed: true,
      serdeInfo: {
        serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        // A line Firehose could not finish (never expected) becomes a row of nulls instead of failing the query.
        parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
      },
    },
  };
}

/** Engine 3, results SSE-S3 under athena-results/ in the log bucket, settings enforced, scans capped. */
function createWorkGroup(scope: Construct, plan: Plan, bucket: s3.Bucket): athena.CfnWorkGroup {
  return new athena.CfnWorkGroup(scope, 'AthenaWorkGroup', {
    name: athenaWorkGroupName(plan),
    description: `Sluice gateway ${gatewayLabel(plan)}: queries over the request logs`,
    state: 'ENABLED',
    recursiveDeleteOption: true,
    workGroupConfiguration: {
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.toBytes(),
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      resultConfiguration: {
        outputLocation: `s3://${bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
        encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        expectedBucketOwner: Stack.of(scope).account,
      },
    },
  });
}
