/*
 * Auto-instrumentation for LangChain.js (`@langchain/core` 1.x, used by `langchain` 1.x and
 * `@langchain/langgraph`). Two patches of `@langchain/core/callbacks/manager`, none of a model class:
 *   - `CallbackManager._configureSync` (every run configures its callbacks through it) adds this
 *     package's callback handler (./callback-handler.ts), so the app passes no callbacks;
 *   - `CallbackManager.prototype.handle{Chain,Tool,Retriever,ChatModel,LLM}Start` make the started run's
 *     span context active in the code that runs the step (./run-context.ts), so the SDK calls a chat model
 *     makes (`@langchain/openai` → `openai`) nest under the LangChain run. A model run enters its parent
 *     run's context (or its own chat span's, when recorded from the callbacks): a chain's `.batch()` starts
 *     its runs in async functions of their own and calls each step from the one that awaits them all, so
 *     the model's own start is the one place that knows which run its SDK call belongs to.
 * And one of `@langchain/core/tools`: `StructuredTool.prototype.call` runs in a context scope of its own,
 * because it can announce its run before its first `await` (see ../../core/enter-context.ts).
 *
 * LangChain's own `registerConfigureHook` is not used: its hooks live in a LangChain context variable
 * (AsyncLocalStorage), so a hook registered when the module loads does not reach runs started from
 * other asynchronous contexts (a request handler, a test).
 *
 * Other LangChain instrumentations wrap `_configureSync` too (./peer-handlers.ts: their handlers' model
 * spans, per the `peerModelSpans` option). Every wrapper here is shared (../../core/wrapper-ownership.ts):
 * whichever instrumentation wraps first, both wrappers stay, and theirs unwrapping does not take ours off.
 * Ours under theirs cannot come off when this copy is unpatched: every wrapper here calls straight through
 * unless its class is patched.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { InstrumentationNodeModuleDefinition as ModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { context as contextApi } from '@opentelemetry/api';
import type { GenAIInstrumentationConfig, InstrumentedSdk } from '../../core';
import { GenAIInstrumentationBase, sdkExport } from '../../core';
import { GenAICallbackHandler, HANDLER_NAME } from './callback-handler';
import { applyPeerModelSpansPolicy, type PeerModelSpansPolicy } from './peer-handlers';
import { enterStartedRun, leaveLeakedRun } from './run-context';

export const LANGCHAIN_SUPPORTED_VERSIONS = ['>=1.0.0 <2'];

export interface LangChainInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * The model-run spans of another LangChain instrumentation in the app (OpenLLMetry's, OpenInference's):
   * `suppress` (default) switches them off, so each model call has one model-call span (this package's);
   * their chain, tool and retriever spans are kept. `keep` records both. See ./peer-handlers.ts.
   */
  peerModelSpans?: PeerModelSpansPolicy;
}

const START_METHODS = ['handleChainStart', 'handleToolStart', 'handleRetrieverStart', 'handleChatModelStart', 'handleLLMStart'] as const;

type AnyFunction = (...args: any[]) => any;

export class LangChainInstrumentation extends GenAIInstrumentationBase<LangChainInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'langchain',
    module: '@langchain/core',
    supportedVersions: LANGCHAIN_SUPPORTED_VERSIONS,
  };

  declare private _handler: GenAICallbackHandler | undefined;
  /** The CallbackManager and StructuredTool classes patched now (a wrapper left under another instrumentation's calls through otherwise). */
  declare private _patchedClasses: WeakSet<object> | undefined;

  private isPatched(cls: object): boolean {
    return this._patchedClasses?.has(cls) === true;
  }

  /** The callback handler this instrumentation adds to every LangChain run. */
  get callbackHandler(): GenAICallbackHandler {
    return (this._handler ??= new GenAICallbackHandler(this));
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    const file = (path: string) =>
      new InstrumentationNodeModuleFile(
        `@langchain/core/dist/${path}`,
        LANGCHAIN_SUPPORTED_VERSIONS,
        (moduleExports: unknown) => {
          this.patch(moduleExports);
          return moduleExports;
        },
        (moduleExports: unknown) => {
          if (moduleExports) this.unpatch(moduleExports);
        },
      );
    return [
      new ModuleDefinition('@langchain/core', LANGCHAIN_SUPPORTED_VERSIONS, undefined, undefined, [
        file('callbacks/manager.cjs'),
        file('callbacks/manager.js'),
        file('tools/index.cjs'),
        file('tools/index.js'),
      ]),
    ];
  }

  /** Patches `@langchain/core/callbacks/manager` or `@langchain/core/tools` (CommonJS exports or an ES module namespace). */
  protected patch(moduleExports: unknown): void {
    const CallbackManager = sdkExport(moduleExports, 'CallbackManager') as Record<string, any> | undefined;
    const instrumentation = this;
    if (typeof CallbackManager === 'function') {
      (this._patchedClasses ??= new WeakSet()).add(CallbackManager);
      this.wrapMethod(CallbackManager, '_configureSync', 'CallbackManager._configureSync', (original: AnyFunction) =>
        function configureSync(this: unknown, ...args: unknown[]) {
          const manager = original.apply(this, args);
          if (!instrumentation.isPatched(CallbackManager)) return manager;
          return instrumentation.withHandler(manager, CallbackManager, args);
        },
        true,
      );
      for (const method of START_METHODS) {
        this.wrapMethod(CallbackManager.prototype, method, `CallbackManager.${method}`, (original: AnyFunction) =>
          function handleStart(this: unknown, ...args: unknown[]) {
            if (!instrumentation.isPatched(CallbackManager)) return original.apply(this, args);
            const handler = instrumentation.callbackHandler;
            handler.takeStartedContext();
            leaveLeakedRun();
            const started = original.apply(this, args);
            enterStartedRun(handler.takeStartedContext());
            return started;
          },
          true,
        );
      }
    }
    const StructuredTool = sdkExport(moduleExports, 'StructuredTool') as any;
    if (typeof StructuredTool === 'function' && StructuredTool.prototype) {
      (this._patchedClasses ??= new WeakSet()).add(StructuredTool);
      this.wrapMethod(StructuredTool.prototype, 'call', 'StructuredTool.call', (original: AnyFunction) =>
        function call(this: unknown, ...args: unknown[]) {
          if (!instrumentation.isPatched(StructuredTool)) return original.apply(this, args);
          return contextApi.with(contextApi.active(), () => original.apply(this, args));
        },
        true,
      );
    }
  }

  protected unpatch(moduleExports: unknown): void {
    const CallbackManager = sdkExport(moduleExports, 'CallbackManager') as Record<string, any> | undefined;
    if (typeof CallbackManager === 'function') {
      this._patchedClasses?.delete(CallbackManager);
      this.unwrapMethod(CallbackManager, '_configureSync');
      for (const method of START_METHODS) this.unwrapMethod(CallbackManager.prototype, method);
    }
    const StructuredTool = sdkExport(moduleExports, 'StructuredTool') as any;
    if (typeof StructuredTool === 'function') {
      this._patchedClasses?.delete(StructuredTool);
      this.unwrapMethod(StructuredTool.prototype, 'call');
    }
  }

  /**
   * The configured callback manager with this package's handler (a new manager when the run had none), and
   * the `peerModelSpans` policy applied to the other LangChain instrumentations' handlers in it.
   */
  private withHandler(manager: any, CallbackManager: any, args: unknown[]): unknown {
    try {
      let target = manager;
      if (!target) {
        // A run without handlers gets no manager, and its tags and metadata were dropped: add them as
        // _configureSync does (inheritable, then local).
        const [, , inheritableTags, localTags, inheritableMetadata, localMetadata] = args as [unknown, unknown, string[]?, string[]?, object?, object?];
        target = new CallbackManager();
        target.addTags(inheritableTags ?? []);
        target.addTags(localTags ?? [], false);
        target.addMetadata(inheritableMetadata ?? {});
        target.addMetadata(localMetadata ?? {}, false);
      }
      if (!target.handlers?.some((h: { name?: string }) => h?.name === HANDLER_NAME)) target.addHandler(this.callbackHandler, true);
      applyPeerModelSpansPolicy(target.handlers, this.getConfig().peerModelSpans ?? 'suppress');
      return target;
    } catch (error) {
      this._diag.error('could not add the callback handler; this LangChain run is not traced', error);
      return manager;
    }
  }
}
