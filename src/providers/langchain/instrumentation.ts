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
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { InstrumentationNodeModuleDefinition as ModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { context as contextApi } from '@opentelemetry/api';
import type { GenAIInstrumentationConfig, InstrumentedSdk } from '../../core';
import { GenAIInstrumentationBase, sdkExport } from '../../core';
import { GenAICallbackHandler, HANDLER_NAME } from './callback-handler';
import { enterStartedRun, leaveLeakedRun } from './run-context';

export const LANGCHAIN_SUPPORTED_VERSIONS = ['>=1.0.0 <2'];

export type LangChainInstrumentationConfig = GenAIInstrumentationConfig;

const START_METHODS = ['handleChainStart', 'handleToolStart', 'handleRetrieverStart', 'handleChatModelStart', 'handleLLMStart'] as const;

type AnyFunction = (...args: any[]) => any;

export class LangChainInstrumentation extends GenAIInstrumentationBase<LangChainInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'langchain',
    module: '@langchain/core',
    supportedVersions: LANGCHAIN_SUPPORTED_VERSIONS,
  };

  declare private _handler: GenAICallbackHandler | undefined;

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
    if (typeof CallbackManager === 'function') {
      const instrumentation = this;
      this.wrapMethod(CallbackManager, '_configureSync', 'CallbackManager._configureSync', (original: AnyFunction) =>
        function configureSync(this: unknown, ...args: unknown[]) {
          const manager = original.apply(this, args);
          return instrumentation.withHandler(manager, CallbackManager, args);
        },
      );
      for (const method of START_METHODS) {
        this.wrapMethod(CallbackManager.prototype, method, `CallbackManager.${method}`, (original: AnyFunction) =>
          function handleStart(this: unknown, ...args: unknown[]) {
            const handler = instrumentation.callbackHandler;
            handler.takeStartedContext();
            leaveLeakedRun();
            const started = original.apply(this, args);
            enterStartedRun(handler.takeStartedContext());
            return started;
          },
        );
      }
    }
    const StructuredTool = sdkExport(moduleExports, 'StructuredTool') as any;
    if (typeof StructuredTool === 'function' && StructuredTool.prototype) {
      this.wrapMethod(StructuredTool.prototype, 'call', 'StructuredTool.call', (original: AnyFunction) =>
        function call(this: unknown, ...args: unknown[]) {
          return contextApi.with(contextApi.active(), () => original.apply(this, args));
        },
      );
    }
  }

  protected unpatch(moduleExports: unknown): void {
    const CallbackManager = sdkExport(moduleExports, 'CallbackManager') as Record<string, any> | undefined;
    if (typeof CallbackManager === 'function') {
      this.unwrapMethod(CallbackManager, '_configureSync');
      for (const method of START_METHODS) this.unwrapMethod(CallbackManager.prototype, method);
    }
    const StructuredTool = sdkExport(moduleExports, 'StructuredTool') as any;
    if (typeof StructuredTool === 'function') this.unwrapMethod(StructuredTool.prototype, 'call');
  }

  /** The configured callback manager with this package's handler (a new manager when the run had none). */
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
      return target;
    } catch (error) {
      this._diag.error('could not add the callback handler; this LangChain run is not traced', error);
      return manager;
    }
  }
}
