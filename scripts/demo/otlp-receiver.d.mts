// Types of ./otlp-receiver.mjs for the TypeScript tests that use it.
export interface ReceivedOtlp {
  resourceSpans: unknown[];
  resourceMetrics: unknown[];
  resourceLogs: unknown[];
  requests: Array<{ url: string; headers: Record<string, string | string[] | undefined> }>;
}
export interface ReceivedSpan {
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
}
export function startOtlpReceiver(): Promise<{ endpoint: string; received: ReceivedOtlp; close(): Promise<void> }>;
export function anyValue(v: unknown): unknown;
export function spansFromOtlp(resourceSpans: unknown[]): ReceivedSpan[];
export function countOtherSignals(received: ReceivedOtlp): { metricPoints: number; events: number };
