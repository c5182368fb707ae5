/*
 * Which GenAI provider a host is (`gen_ai.provider.name`), for SDKs that talk to many OpenAI-compatible
 * hosts: the openai SDK's base URL, the AI SDK's OpenAI-compatible providers. Undefined for a host it does
 * not know: each caller has its own default.
 */

/** Host suffix → `gen_ai.provider.name`. First match wins, so keep the more specific suffixes first. */
const HOST_PROVIDERS: ReadonlyArray<[suffix: string, provider: string]> = [
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.cognitiveservices.azure.com', 'azure.ai.openai'],
  ['models.inference.ai.azure.com', 'azure.ai.inference'],
  ['.models.ai.azure.com', 'azure.ai.inference'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.cohere.ai', 'cohere'],
  ['api.cohere.com', 'cohere'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  // Regional Vertex AI endpoints: {location}-aiplatform.googleapis.com.
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['.ml.cloud.ibm.com', 'ibm.watsonx.ai'],
  ['.amazonaws.com', 'aws.bedrock'],
  ['.api.aws', 'aws.bedrock'],
  ['api.anthropic.com', 'anthropic'],
];

/** A suffix starting with `.` or `-` matches the end of the host; any other entry is a host or its subdomains. */
function hostMatches(host: string, suffix: string): boolean {
  return suffix.startsWith('.') || suffix.startsWith('-')
    ? host.endsWith(suffix)
    : host === suffix || host.endsWith(`.${suffix}`);
}

export function providerForHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  return HOST_PROVIDERS.find(([suffix]) => hostMatches(lower, suffix))?.[1];
}

