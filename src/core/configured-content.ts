/*
 * One set of content settings for all: the module-level stage helpers (traceTool, traceRetrieval, ...) have no
 * instrumentation of their own, so they take the content settings (capture mode, redaction with its
 * patterns and hook, size budget, metric attributes) of the GenAI instrumentation the app configured
 * last. Shared through a global symbol, so every copy of this package agrees.
 */
import type { CaptureMode } from './content-mode';
import type { ContentSafeguards } from './content-safeguards';

export interface ContentSettings {
  readonly captureMode: CaptureMode;
  readonly contentSafeguards: ContentSafeguards;
  readonly contextAttributesOnMetrics?: boolean;
}

const KEY = Symbol.for('opentelemetry-instrumentation-genai.configured-content');
const holder = globalThis as { [KEY]?: ContentSettings };

/** Called by an instrumentation when it is configured: its settings become the module-level ones. */
export function offerContentSettings(settings: ContentSettings): void {
  holder[KEY] = settings;
}

/** The settings of the instrumentation configured last, if any. */
export function configuredContentSettings(): ContentSettings | undefined {
  return holder[KEY];
}
