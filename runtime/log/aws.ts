/**
 * The log sink of the Lambda: every record becomes EMF lines on stdout (CloudWatch metrics,
 * written at once) and, when a delivery stream is configured, a Firehose record (sent in
 * the background of the invocation, bounded in time).
 * @module
 */
import type { Plan } from '../plan.ts';
import { createFirehoseSink, type FirehoseSinkOptions } from './firehose.ts';
import { createMetricsEmitter, type LineWriter } from './metrics.ts';
import type { LogSink } from './types.ts';
import { merged } from '../merged.ts';

/** Options of `createAwsLogSink`. */
export interface AwsLogOptions {
  readonly plan: Plan;
  /** The Firehose delivery stream; metrics only when undefined or empty. */
  readonly streamName: string | undefined;
  /** Where EMF lines go. @default process.stdout */
  readonly out?: LineWriter;
  /** Firehose settings besides the stream name and the drop counter (bounds, client, clock). */
  readonly firehose?: Omit<FirehoseSinkOptions, 'streamName' | 'metrics'>;
}

/** EMF metrics for every record, plus Firehose delivery when a stream is named. */
export function createAwsLogSink(options: AwsLogOptions): LogSink {
  const metrics = createMetricsEmitter({ plan: options.plan, ...(options.out ? { out: options.out } : {}) });
  const firehose = options.streamName ? createFirehoseSink(merged(options.firehose ?? {}, { streamName: options.streamName, metrics })) : null;
  return {
    write(record) {
      metrics.emit(record);
      return firehose ? firehose.write(record) : Promise.resolve();
    },
    hold: () => firehose?.hold(),
    release: () => firehose?.release(),
  };
}
