/*
 * `gen_ai.provider.name` of an AI SDK model call, from the model's provider id (`openai.chat`,
 * `anthropic.messages`, `google.vertex.chat`, `amazon-bedrock`, ...). An OpenAI-compatible provider's id
 * is the name the app gave it (`createOpenAICompatible({ name })`): a name the conventions know is taken
 * as it is; otherwise the host it calls decides, as for the openai SDK's base URL: from the start when the
 * model's base URL is known then (`ai` 5 and 6), else once the call has told it (`ai` 7's channel, see
 * ./model-call-record.ts); until then the provider id's first segment.
 */
import { providerForHost, serverOfUrl } from '../../core';

/** Provider id prefix → `gen_ai.provider.name`. First match wins: the more specific prefixes first. */
const PROVIDER_IDS: ReadonlyArray<[prefix: string, provider: string]> = [
  ['openai', 'openai'],
  ['azure', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['vertex.anthropic', 'gcp.vertex_ai'],
  ['google.vertex', 'gcp.vertex_ai'],
  ['google', 'gcp.gemini'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['mistral', 'mistral_ai'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['xai', 'x_ai'],
  ['perplexity', 'perplexity'],
  ['cohere', 'cohere'],
];

function matches(id: string, prefix: string): boolean {
  return id === prefix || id.startsWith(`${prefix}.`);
}

/** The conventions' provider name for an AI SDK provider id; undefined for an id they do not name. */
export function knownProviderName(providerId: string): string | undefined {
  const id = providerId.toLowerCase();
  return PROVIDER_IDS.find(([prefix]) => matches(id, prefix))?.[1];
}

/**
 * The provider name of a call to `providerId` whose requests go to `host` (when known): a known id wins;
 * an unknown one (an OpenAI-compatible host) is named by its host, else by the id's first segment.
 */
export function providerName(providerId: string | undefined, host?: string): string {
  if (!providerId) return providerForHost(host) ?? 'unknown';
  return knownProviderName(providerId) ?? providerForHost(host) ?? providerId.split('.')[0]!;
}

/** The provider name and server of a call whose model's base URL may be known when it starts. */
export function providerAndServer(
  providerId: string | undefined,
  url: string | undefined,
): { provider: string; serverAddress?: string; serverPort?: number } {
  const server = url ? serverOfUrl(url) : undefined;
  if (!server) return { provider: providerName(providerId) };
  return { provider: providerName(providerId, server.serverAddress), serverAddress: server.serverAddress, serverPort: server.serverPort };
}
