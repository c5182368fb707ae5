/*
 * LangChain model classes whose calls go through an SDK this package instruments, by the last entry of
 * their serialized id (`this.toJSON().id`): their call is recorded by that SDK's instrumentation (the
 * provider span, nested under the LangChain run), so the LangChain integration records none of its own
 * while that instrumentation is enabled. Any other model class is recorded from LangChain's callbacks.
 */
import { isModuleInstrumented } from '../../core/instrumented-modules';

const SDK_OF_CLASS: Readonly<Record<string, string>> = {
  // @langchain/openai
  ChatOpenAI: 'openai',
  AzureChatOpenAI: 'openai',
  ChatOpenAICompletions: 'openai',
  ChatOpenAIResponses: 'openai',
  OpenAI: 'openai',
  AzureOpenAI: 'openai',
  // @langchain/anthropic
  ChatAnthropic: '@anthropic-ai/sdk',
  ChatAnthropicMessages: '@anthropic-ai/sdk',
  // @langchain/groq
  ChatGroq: 'groq-sdk',
  // @langchain/aws
  ChatBedrockConverse: '@aws-sdk/client-bedrock-runtime',
  // @langchain/google-genai 2.x and later (on @google/genai)
  ChatGoogle: '@google/genai',
};

/** The SDK a model class calls, when this package has an instrumentation of it. */
export function sdkOfModelClass(serialized: unknown): string | undefined {
  const id = (serialized as { id?: unknown } | undefined)?.id;
  const className = Array.isArray(id) ? id[id.length - 1] : undefined;
  return typeof className === 'string' && Object.prototype.hasOwnProperty.call(SDK_OF_CLASS, className) ? SDK_OF_CLASS[className] : undefined;
}

/** Whether the model's own SDK call is recorded by an enabled instrumentation of this package. */
export function recordedBySdkInstrumentation(serialized: unknown): boolean {
  const sdk = sdkOfModelClass(serialized);
  return sdk !== undefined && isModuleInstrumented(sdk);
}
