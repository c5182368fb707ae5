// Reads spans back from Jaeger's HTTP query API (the JSON API the UI uses: search by service and tags;
// see ../shared/backends.md). Tag values are matched as strings by Jaeger.
import { PORTS } from './processes.mjs';

export const JAEGER_URL = `http://127.0.0.1:${PORTS.jaegerQuery}`;

/** Traces of `service` whose spans match all `tags` (string values). */
export async function searchTraces({ service, tags = {}, limit = 1000, baseUrl = JAEGER_URL }) {
  const url = new URL('/api/traces', baseUrl);
  url.searchParams.set('service', service);
  url.searchParams.set('limit', String(limit));
  if (Object.keys(tags).length) url.searchParams.set('tags', JSON.stringify(tags));
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`Jaeger search ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()).data ?? [];
}

/**
 * Every span of the traces, with its tags as a plain object (Jaeger's `tags` list flattened), and its
 * resource attributes (Jaeger's process tags) as `resource`.
 */
export function spansOf(traces) {
  return traces.flatMap((trace) =>
    trace.spans.map((span) => ({
      ...span,
      attributes: Object.fromEntries(span.tags.map((t) => [t.key, t.value])),
      serviceName: trace.processes?.[span.processID]?.serviceName,
      resource: Object.fromEntries((trace.processes?.[span.processID]?.tags ?? []).map((t) => [t.key, t.value])),
    })),
  );
}

/** The spans matching `tags` that themselves carry every tag (a search returns whole traces). */
export async function findSpans({ service, tags, baseUrl }) {
  const spans = spansOf(await searchTraces({ service, tags, baseUrl }));
  const unique = new Map(spans.map((s) => [s.spanID, s]));
  return [...unique.values()].filter((s) => Object.entries(tags).every(([k, v]) => String(s.attributes[k]) === v));
}

/** Polls until `check(spans)` is true for the spans matching `tags`; returns them, or throws at the deadline. */
export async function waitForSpans({ service, tags, until, timeoutMs = 60_000, baseUrl }) {
  const deadline = Date.now() + timeoutMs;
  let spans = [];
  while (Date.now() < deadline) {
    try {
      spans = await findSpans({ service, tags, baseUrl });
      if (until(spans)) return spans;
    } catch {
      // Jaeger restarting: try again
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Jaeger did not have the expected spans for ${JSON.stringify(tags)} within ${timeoutMs} ms (found ${spans.length})`);
}
