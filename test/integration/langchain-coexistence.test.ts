/*
 * LangChain.js with another OpenTelemetry instrumentation of LangChain in the same app: OpenLLMetry's
 * (@traceloop/instrumentation-langchain) and OpenInference's (@arizeai/openinference-instrumentation-langchain),
 * both real, both wrapping CallbackManager._configureSync as this package does, each patched before and after
 * this package's, with the default `peerModelSpans: 'suppress'` and with 'keep'. For a chain, a LangGraph
 * agent and a retrieval chain (ChatOpenAI over the loopback OpenAI server, its `openai` SDK instrumented), and
 * a model recorded from LangChain's callbacks: the app's result and this package's spans (names, parents,
 * attributes) are those of a run without the peer; each model call has exactly one GenAI span by default and
 * the peer's model spans come back with 'keep'; the peer's other spans are kept either way.
 *
 * Each run loads LangChain, the peer and the `openai` SDK afresh (jest.resetModules): OpenLLMetry patches the
 * CallbackManager it loads as it is constructed, and never unpatches.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TracerProvider } from '@opentelemetry/api';
import { LangChainInstrumentation, type LangChainInstrumentationConfig, OpenAIInstrumentation, type PeerModelSpansPolicy } from '../../src';
import { MockOpenAIServer, json, type MockReply } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV, useClearedEnv } from '../helpers/env';
import { useMockServer } from '../helpers/testbed';
import { isOurs, setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { spanTree } from '../helpers/langchain-testbed';

const completion = (id: string, message: Record<string, unknown>, finish: string) => ({
  id,
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
});

const MODEL_OPERATIONS = ['chat', 'text_completion'];

interface Scenario {
  name: string;
  replies: MockReply[];
  /** Model calls the scenario makes. */
  modelCalls: number;
  /** Runs the app's LangChain code (modules required afresh) and returns its result. */
  run(baseURL: string): Promise<unknown>;
  result: unknown;
  /** This package's spans under the app's `request` span. */
  tree: string;
}

const chatOpenAI = (baseURL: string) => {
  const { ChatOpenAI } = require('@langchain/openai');
  return new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL } });
};

const SCENARIOS: Scenario[] = [
  {
    name: 'a chain (prompt, ChatOpenAI, parser)',
    replies: [json(completion('chatcmpl-chain', { content: 'Bonjour' }, 'stop'))],
    modelCalls: 1,
    async run(baseURL) {
      const { ChatPromptTemplate } = require('@langchain/core/prompts');
      const { StringOutputParser } = require('@langchain/core/output_parsers');
      const chain = ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']]).pipe(chatOpenAI(baseURL)).pipe(new StringOutputParser());
      return chain.invoke({ lang: 'French' });
    },
    result: 'Bonjour',
    tree: ['request', '  invoke_workflow RunnableSequence', '    chat gpt-4o-mini'].join('\n'),
  },
  {
    name: 'a LangGraph agent with a tool (createReactAgent)',
    replies: [
      json(completion('chatcmpl-tool', { tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls')),
      json(completion('chatcmpl-answer', { content: 'Sunny in Paris' }, 'stop')),
    ],
    modelCalls: 2,
    async run(baseURL) {
      const { tool } = require('@langchain/core/tools');
      const { z } = require('zod');
      const { createReactAgent } = require('@langchain/langgraph/prebuilt');
      const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, { name: 'weather', description: 'the weather', schema: z.object({ city: z.string() }) });
      const agent = createReactAgent({ llm: chatOpenAI(baseURL), tools: [weather], name: 'weather_agent' });
      const result = await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      return result.messages.map((m: { content: unknown }) => m.content);
    },
    result: ['Weather in Paris?', '', 'sunny in Paris', 'Sunny in Paris'],
    tree: ['request', '  invoke_agent weather_agent', '    chat gpt-4o-mini', '    execute_tool weather', '    chat gpt-4o-mini'].join('\n'),
  },
  {
    name: 'a retrieval chain (retriever, lambda, prompt, ChatOpenAI, parser)',
    replies: [json(completion('chatcmpl-rag', { content: 'Cats purr.' }, 'stop'))],
    modelCalls: 1,
    async run(baseURL) {
      const { BaseRetriever } = require('@langchain/core/retrievers');
      const { Document } = require('@langchain/core/documents');
      const { RunnableSequence } = require('@langchain/core/runnables');
      const { ChatPromptTemplate } = require('@langchain/core/prompts');
      const { StringOutputParser } = require('@langchain/core/output_parsers');
      class DocsRetriever extends BaseRetriever {
        lc_namespace = ['test', 'retrievers'];
        async _getRelevantDocuments(query: string) {
          return [new Document({ id: 'doc-1', pageContent: `about ${query}`, metadata: { score: 0.9 } })];
        }
      }
      const rag = RunnableSequence.from([
        new DocsRetriever(),
        (docs: Array<{ pageContent: string }>) => ({ context: docs.map((d) => d.pageContent).join('\n') }),
        ChatPromptTemplate.fromMessages([['user', 'Summarize: {context}']]),
        chatOpenAI(baseURL),
        new StringOutputParser(),
      ]);
      return rag.invoke('cats');
    },
    result: 'Cats purr.',
    tree: ['request', '  invoke_workflow RunnableSequence', '    retrieval DocsRetriever', '    invoke_workflow RunnableLambda', '    chat gpt-4o-mini'].join('\n'),
  },
  {
    name: 'a model recorded from LangChain callbacks (FakeListChatModel)',
    replies: [],
    modelCalls: 1,
    async run() {
      const { FakeListChatModel } = require('@langchain/core/utils/testing');
      return (await new FakeListChatModel({ responses: ['done'] }).invoke('hi')).content;
    },
    result: 'done',
    tree: ['request', '  chat'].join('\n'),
  },
];

interface PeerInstrumentation {
  setTracerProvider(provider: TracerProvider): void;
}

interface Peer {
  name: string;
  scope: string;
  /** Whether its model spans are GenAI spans (`gen_ai.operation.name`). */
  genAI: boolean;
  /** Patches the LangChain copy loaded now; `remove` takes its patch off again where it can. */
  install(): { instrumentation: PeerInstrumentation; remove(): void };
  /** One of its spans, as `name [operation or span kind]`. */
  describe(span: ReadableSpan): string;
  isModelSpan(span: ReadableSpan): boolean;
  /** By scenario: its spans other than model spans, sorted, and the one span of each model call. */
  spans: Record<string, { others: string[]; model: string }>;
}

const OPENLLMETRY: Peer = {
  name: 'OpenLLMetry (@traceloop/instrumentation-langchain 0.27)',
  scope: '@traceloop/instrumentation-langchain',
  genAI: true,
  install() {
    const { LangChainInstrumentation: Instrumentation } = require('@traceloop/instrumentation-langchain');
    // Patches the @langchain/core/callbacks/manager it requires, as it is constructed; it has no unpatch.
    const instrumentation = new Instrumentation();
    return { instrumentation, remove: () => instrumentation.disable() };
  },
  describe: (span) => `${span.name} [${span.attributes['gen_ai.operation.name']}]`,
  isModelSpan: (span) => MODEL_OPERATIONS.includes(span.attributes['gen_ai.operation.name'] as string),
  spans: {
    'a chain (prompt, ChatOpenAI, parser)': {
      others: ['workflow RunnableSequence [workflow]', 'workflow parser [workflow]', 'workflow prompt [workflow]'],
      model: 'chat gpt-4o-mini [chat]',
    },
    'a LangGraph agent with a tool (createReactAgent)': {
      others: [
        'execute_tool DynamicStructuredTool [execute_tool]',
        'workflow CompiledStateGraph [workflow]',
        ...Array(4).fill('workflow RunnableLambda [workflow]'),
        ...Array(6).fill('workflow RunnableSequence [workflow]'),
      ],
      model: 'chat gpt-4o-mini [chat]',
    },
    'a retrieval chain (retriever, lambda, prompt, ChatOpenAI, parser)': {
      // No retriever span: it has no retriever callbacks.
      others: ['workflow RunnableLambda [workflow]', 'workflow RunnableSequence [workflow]', 'workflow parser [workflow]', 'workflow prompt [workflow]'],
      model: 'chat gpt-4o-mini [chat]',
    },
    'a model recorded from LangChain callbacks (FakeListChatModel)': { others: [], model: 'chat FakeListChatModel [chat]' },
  },
};

const OPENINFERENCE: Peer = {
  name: 'OpenInference (@arizeai/openinference-instrumentation-langchain 4.1)',
  scope: '@arizeai/openinference-instrumentation-langchain',
  genAI: false,
  install() {
    const { LangChainInstrumentation: Instrumentation } = require('@arizeai/openinference-instrumentation-langchain');
    const instrumentation = new Instrumentation({ instrumentationConfig: { enabled: false } });
    const manager = require('@langchain/core/callbacks/manager');
    instrumentation.manuallyInstrument(manager);
    return { instrumentation, remove: () => instrumentation.unpatch(manager) };
  },
  describe: (span) => `${span.name} [${span.attributes['openinference.span.kind']}]`,
  isModelSpan: (span) => span.attributes['openinference.span.kind'] === 'LLM',
  spans: {
    'a chain (prompt, ChatOpenAI, parser)': { others: ['ChatPromptTemplate [PROMPT]', 'RunnableSequence [CHAIN]', 'StrOutputParser [CHAIN]'], model: 'ChatOpenAI [LLM]' },
    'a LangGraph agent with a tool (createReactAgent)': {
      others: [
        ...Array(2).fill('RunnableLambda [CHAIN]'),
        ...Array(2).fill('RunnableSequence [CHAIN]'),
        '__start__ [CHAIN]',
        ...Array(2).fill('agent [CHAIN]'),
        ...Array(2).fill('prompt [CHAIN]'),
        'tools [CHAIN]',
        'weather [TOOL]',
        'weather_agent [CHAIN]',
      ],
      model: 'ChatOpenAI [LLM]',
    },
    'a retrieval chain (retriever, lambda, prompt, ChatOpenAI, parser)': {
      others: ['ChatPromptTemplate [PROMPT]', 'DocsRetriever [RETRIEVER]', 'RunnableLambda [CHAIN]', 'RunnableSequence [CHAIN]', 'StrOutputParser [CHAIN]'],
      model: 'ChatOpenAI [LLM]',
    },
    'a model recorded from LangChain callbacks (FakeListChatModel)': { others: [], model: 'FakeListChatModel [LLM]' },
  },
};

type Order = 'peer first' | 'this package first';

interface Outcome {
  result: unknown;
  spans: ReadableSpan[];
  modelRequests: number;
}

/** This package's spans, comparable across runs: name, kind, scope, parent's name and attributes, in a stable order. */
function ourSpans(spans: readonly ReadableSpan[]) {
  const names = new Map(spans.map((s) => [s.spanContext().spanId, s.name]));
  return spans
    .filter(isOurs)
    .map((s) => ({ name: s.name, kind: s.kind, scope: s.instrumentationScope.name, parent: names.get(s.parentSpanContext?.spanId ?? ''), attributes: s.attributes }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const sorted = (list: string[]) => [...list].sort();

describe('LangChain.js next to another LangChain instrumentation', () => {
  useClearedEnv([CAPTURE_CONTENT_ENV]);
  const server = useMockServer(new MockOpenAIServer());

  /** The pipeline and instrumentations of one run: LangChain loaded afresh, the peer patched before or after this package. */
  function setup(peer: Peer | undefined, order: Order, config: LangChainInstrumentationConfig) {
    jest.resetModules();
    const installed = peer && order === 'peer first' ? peer.install() : undefined;
    const tel = setupTelemetry({ Instrumentation: LangChainInstrumentation, sdkModule: () => undefined }, config, require('@langchain/core/callbacks/manager'));
    tel.instrumentation.manuallyInstrument(require('@langchain/core/tools'));
    const peerPatch = installed ?? (peer ? peer.install() : undefined);
    peerPatch?.instrumentation.setTracerProvider(tel.tracerProvider);
    const openai = new OpenAIInstrumentation({ enabled: false });
    openai.setTracerProvider(tel.tracerProvider);
    openai.manuallyInstrument(require('openai'));
    return {
      tel,
      peerPatch,
      /** Takes the patches off in the reverse order of patching. */
      async teardown() {
        if (order === 'this package first') peerPatch?.remove();
        openai.disable();
        await tel.shutdown();
        if (order === 'peer first') peerPatch?.remove();
      },
    };
  }

  /** Runs `scenario` under an app span; waits for the handlers LangChain runs in the background (the peers'). */
  async function runScenario(tel: TestTelemetry<LangChainInstrumentation>, scenario: Scenario): Promise<Outcome> {
    server.reset();
    server.enqueue(...scenario.replies);
    const result = await tel.tracerProvider.getTracer('app').startActiveSpan('request', async (span) => {
      try {
        return await scenario.run(server.baseURL);
      } finally {
        span.end();
      }
    });
    await require('@langchain/core/callbacks/promises').awaitAllCallbacks();
    return { result, spans: tel.allSpans(), modelRequests: server.requests.length };
  }

  async function run(scenario: Scenario, peer?: Peer, order: Order = 'peer first', config: LangChainInstrumentationConfig = {}): Promise<Outcome> {
    const { tel, teardown } = setup(peer, order, config);
    try {
      return await runScenario(tel, scenario);
    } finally {
      await teardown();
    }
  }

  /** Each scenario without a peer: what every run with one is compared with. */
  const baseline = new Map<string, Outcome>();

  describe('without a peer', () => {
    it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: the result, and one GenAI span per model call', async (_name, scenario) => {
      const outcome = await run(scenario);
      baseline.set(scenario.name, outcome);

      expect(outcome.result).toEqual(scenario.result);
      expect(spanTree(outcome.spans)).toBe(scenario.tree);
      expect(outcome.spans.filter((s) => !isOurs(s)).map((s) => s.name)).toEqual(['request']);
      expect(outcome.spans.filter((s) => MODEL_OPERATIONS.includes(s.attributes['gen_ai.operation.name'] as string)).length).toBe(scenario.modelCalls);
    });
  });

  const cases = [OPENLLMETRY, OPENINFERENCE].flatMap((peer) =>
    (['peer first', 'this package first'] as const).flatMap((order) => (['suppress', 'keep'] as const).map((policy) => [peer, order, policy] as const)),
  );

  describe.each(cases.map(([peer, order, policy]) => [peer.name, order, policy === 'suppress' ? "default 'suppress'" : "'keep'", peer, order, policy] as const))(
    '%s, patched %s, %s',
    (_peerName, _orderName, _policyName, peer: Peer, order: Order, policy: PeerModelSpansPolicy) => {
      it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
        const base = baseline.get(scenario.name) ?? (await run(scenario));
        const outcome = await run(scenario, peer, order, policy === 'keep' ? { peerModelSpans: 'keep' } : {});

        // The app's result and this package's spans are those of the run without the peer.
        expect(outcome.result).toEqual(scenario.result);
        expect(spanTree(outcome.spans.filter((s) => isOurs(s) || s.name === 'request'))).toBe(scenario.tree);
        expect(ourSpans(outcome.spans)).toEqual(ourSpans(base.spans));
        expect(outcome.modelRequests).toBe(base.modelRequests);

        // Model calls: exactly one GenAI span each by default; the peer's model spans back with 'keep'.
        const peerSpans = outcome.spans.filter((s) => s.instrumentationScope.name === peer.scope);
        const peerModelSpans = peerSpans.filter(peer.isModelSpan).length;
        const genAIModelSpans = outcome.spans.filter((s) => MODEL_OPERATIONS.includes(s.attributes['gen_ai.operation.name'] as string));
        expect(genAIModelSpans.filter(isOurs).length).toBe(scenario.modelCalls);
        expect(peerModelSpans).toBe(policy === 'keep' ? scenario.modelCalls : 0);
        expect(genAIModelSpans.length).toBe(policy === 'keep' && peer.genAI ? 2 * scenario.modelCalls : scenario.modelCalls);

        // The peer's other spans are kept.
        const { others, model } = peer.spans[scenario.name]!;
        expect(sorted(peerSpans.map(peer.describe))).toEqual(sorted([...others, ...(policy === 'keep' ? Array(scenario.modelCalls).fill(model) : [])]));
        expect(outcome.spans.filter((s) => !isOurs(s) && s.instrumentationScope.name !== peer.scope).map((s) => s.name)).toEqual(['request']);
      });
    },
  );

  describe('each wrapper stays where the other instrumentation unwraps', () => {
    const chain = SCENARIOS[0]!;
    const describeSpans = (spans: ReadableSpan[]) => ({
      ours: spanTree(spans.filter((s) => isOurs(s) || s.name === 'request')),
      openInference: sorted(spans.filter((s) => s.instrumentationScope.name === OPENINFERENCE.scope).map(OPENINFERENCE.describe)),
    });

    it('OpenInference patching again over this package (its patch first unwraps the top wrapper): both still record, once', async () => {
      const { tel, peerPatch, teardown } = setup(OPENINFERENCE, 'peer first', {});
      try {
        (peerPatch!.instrumentation as unknown as { manuallyInstrument(m: unknown): void }).manuallyInstrument(require('@langchain/core/callbacks/manager'));
        const outcome = await runScenario(tel, chain);
        expect(outcome.result).toBe('Bonjour');
        expect(describeSpans(outcome.spans)).toEqual({ ours: chain.tree, openInference: sorted(OPENINFERENCE.spans[chain.name]!.others) });
      } finally {
        await teardown();
      }
    });

    it("this package disabled under OpenInference's wrapper records nothing, and records again once enabled", async () => {
      const { tel, teardown } = setup(OPENINFERENCE, 'this package first', {});
      try {
        tel.instrumentation.disable();
        const off = await runScenario(tel, chain);
        expect(off.result).toBe('Bonjour');
        // The openai instrumentation still records the SDK call; no LangChain span of ours, and OpenInference's model span is back.
        expect(describeSpans(off.spans)).toEqual({ ours: ['request', '  chat gpt-4o-mini'].join('\n'), openInference: sorted([...OPENINFERENCE.spans[chain.name]!.others, 'ChatOpenAI [LLM]']) });

        tel.reset();
        tel.instrumentation.enable();
        const on = await runScenario(tel, chain);
        expect(on.result).toBe('Bonjour');
        expect(describeSpans(on.spans)).toEqual({ ours: chain.tree, openInference: sorted(OPENINFERENCE.spans[chain.name]!.others) });
      } finally {
        await teardown();
      }
    });
  });
});
