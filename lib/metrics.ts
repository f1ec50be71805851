/**
 * Counters as CloudWatch Embedded Metric Format: one JSON line on stdout per data point, which CloudWatch Logs turns
 * into a metric. No SDK and no API call, so counting costs a JSON.stringify and a write, never a network round trip.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const METRICS_NAMESPACE = 'SignalWireWebhooks';

type MetricName =
  | 'WebhookAccepted' // the ingest queued a delivery (dimension Kind)
  | 'WebhookRejected' // the ingest refused a delivery's credentials (dimension Reason); alarmed in serverless.yml
  | 'EventApplied' // the worker applied an event (dimension Kind)
  | 'EventsPublished' // the worker published the events of the changes it applied (lib/events/), as many as there were
  | 'EventDeadLettered' // the worker dead-lettered an event (dimension Category: invalid | exhausted)
  | 'SignalWireAuthRefused' // the SignalWire REST API refused our credentials (401/403); alarmed in serverless.yml
  | 'ArchiveWriteFailed' // the worker could not file a batch's deliveries in the archive (the events were applied)
  | 'NotificationUncertain' // a notification's publish may not have reached subscribers, and is not sent again (dimension Kind)
  | 'Reconciled' // the reconciler sent what SignalWire knew and we did not (dimensions Kind, Missing: state | cost | unknown)
  | 'ReconcileFailed' // the reconciler could not ask SignalWire about a record (dimension Kind); alarmed in serverless.yml
  | 'RecordingCopied' // a recording is in the bucket (dimension Outcome: copied | already-copied)
  | 'RecordingCopyDeadLettered' // a recording could not be copied (dimension Category: invalid | exhausted)
  | 'DeliverySucceeded' // a destination answered 2xx to an event (dimension Destination)
  | 'DeliveryFailed' // a try of a delivery failed, to be retried or not (dimension Destination); alarmed in serverless.yml
  | 'DeliveryDeadLettered' // a delivery failed for good and went to the destinations DLQ (dimension Destination)
  | 'DeliveryStateNotRecorded'; // a try's state (webhooks events show) could not be written; delivering went on (dimension Destination)

export interface Metrics {
  /** Adds `value` (default 1) to `name`, per stage and per stage and `dimensions` (keep their values few and fixed). */
  count(name: MetricName, dimensions?: Readonly<Record<string, string>>, value?: number): void;
}

export interface MetricsOptions {
  /** The `Stage` dimension every metric carries, so stages sharing an account stay apart (default `unknown`). */
  stage?: string;
  /** Running on Lambda (lib/config/runtime-config.ts): only there do the lines go to stdout by default. */
  onLambda?: boolean;
  /** Where the lines go. Default: stdout on Lambda, where CloudWatch Logs reads them; nowhere elsewhere (local stack, tests). */
  write?: (line: string) => void;
}

const MAX_DIMENSION_VALUE_LENGTH = 250;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const stage = options.stage ?? 'unknown';
  const write = options.write ?? (options.onLambda ? (line: string) => process.stdout.write(line) : undefined);
  return {
    count(name, dimensions = {}, value = 1) {
      if (write === undefined) return;
      const names = Object.keys(dimensions);
      const values: Record<string, string> = { Stage: stage };
      // CloudWatch refuses empty or over-long dimension values: such a line would be dropped, not counted.
      for (const key of names) values[key] = (dimensions[key] || 'none').slice(0, MAX_DIMENSION_VALUE_LENGTH);
      const directive = {
        Namespace: METRICS_NAMESPACE,
        // The Stage-only set is the total an alarm watches; the finer set says why.
        Dimensions: names.length === 0 ? [['Stage']] : [['Stage'], ['Stage', ...names]],
        Metrics: [{ Name: name, Unit: 'Count' }],
      };
      write(
        `${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [directive] }, ...values, [name]: value })}\n`,
      );
    },
  };
}
