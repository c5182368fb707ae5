/*
 * Other OpenTelemetry instrumentations of LangChain.js ("peers") in the same app. Each adds a callback
 * handler to every run, as this package does, by wrapping `CallbackManager._configureSync` too:
 *   - OpenLLMetry (`@traceloop/instrumentation-langchain`): `TraceloopCallbackHandler`, named
 *     `traceloop_callback_handler`, a new one per configured run. A model run is a `chat {model}` /
 *     `text_completion {model}` CLIENT span with `gen_ai.*` attributes; chains `workflow {name}` (or
 *     `invoke_agent {name}` when the name says agent or executor), tools `execute_tool {class}`, all with
 *     `gen_ai.operation.name` and `traceloop.*` attributes. Its wrapper replaces a run's inherited callback
 *     manager with a new one holding only its handler: child runs lose their parent run id (and the
 *     parent's other handlers); ./callback-handler.ts then nests by the active context.
 *   - OpenInference (`@arizeai/openinference-instrumentation-langchain`): a `LangChainTracer`, named
 *     `OpenInferenceLangChainTracer`, one per run tree. Every run (prompts and parsers included) is an
 *     INTERNAL span named after the run, with `openinference.span.kind` (LLM, CHAIN, TOOL, RETRIEVER, ...)
 *     and `llm.*` / `input.*` / `output.*` attributes, no `gen_ai.*`.
 * Both record each model run as a span of their own, next to this package's GenAI span of the same call
 * (the provider's SDK span, or the one from LangChain's callbacks): two model-call spans, and token usage
 * counted twice by a backend that sums it.
 *
 * Policy (`peerModelSpans` option), applied to the peer handlers of each run as this package's handler is
 * added to it:
 *   'suppress' (default): their model callbacks are switched off (`ignoreLLM`, LangChain's own switch for a
 *      handler), so each model call has one model-call span: this package's, which follows its capture
 *      mode, redaction and metrics. Their chain, tool and retriever spans are kept: the app enabled that
 *      instrumentation, and its backend's views rest on them. To have none of a peer's spans, disable its
 *      LangChain instrumentation.
 *   'keep': their handlers are left alone (two model-call spans per model call).
 * A handler is recognised by its name only: the app's own handlers and LangSmith's are never touched.
 */
export type PeerModelSpansPolicy = 'suppress' | 'keep';

/** The peers' handler names, and the package each comes from. */
const PEER_HANDLERS: Readonly<Record<string, string>> = {
  traceloop_callback_handler: '@traceloop/instrumentation-langchain',
  OpenInferenceLangChainTracer: '@arizeai/openinference-instrumentation-langchain',
};

interface Handler {
  name?: unknown;
  ignoreLLM?: unknown;
}

/** Peer handlers whose model callbacks this package switched off ('keep' switches them back on). */
const switchedOff = new WeakSet<object>();

/** Applies `policy` to the peer handlers among a configured run's `handlers` (all of them: inherited and local). */
export function applyPeerModelSpansPolicy(handlers: unknown, policy: PeerModelSpansPolicy): void {
  if (!Array.isArray(handlers)) return;
  for (const handler of handlers as Handler[]) {
    if (handler === null || typeof handler !== 'object' || typeof handler.name !== 'string' || !Object.prototype.hasOwnProperty.call(PEER_HANDLERS, handler.name)) continue;
    if (policy === 'suppress') {
      if (handler.ignoreLLM === true) continue;
      handler.ignoreLLM = true;
      switchedOff.add(handler);
    } else if (switchedOff.has(handler)) {
      handler.ignoreLLM = false;
      switchedOff.delete(handler);
    }
  }
}
