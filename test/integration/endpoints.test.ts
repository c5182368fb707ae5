/*
 * gen_ai.provider.name, server.address and server.port for the clients the openai SDK can build: the
 * default OpenAI endpoint, AzureOpenAI, BedrockOpenAI and OpenAI-compatible hosts. Requests only ever
 * go to the loopback mock server: remote hosts are checked through endpointOf(client), or through a
 * custom `fetch` that reroutes the SDK's request to the mock server while the client keeps its baseURL.
 */
import OpenAI, { AzureOpenAI, BedrockOpenAI } from 'openai';
import { SpanStatusCode } from '@opentelemetry/api';
import { json } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV } from '../helpers/env';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { onlySpan } from '../helpers/spans';
import { endpointOf } from '../../src/providers/openai/endpoint';
import { azureWithOptionsKeepsApiVersion, hasBedrockOpenAI, hasWithOptions, itWhen } from '../helpers/sdk-compat';
import { chatCompletion, textChoice, usage } from '../fixtures/chat';

const ENV_KEYS = ['OPENAI_BASE_URL', 'AZURE_OPENAI_ENDPOINT', 'OPENAI_API_VERSION', 'AWS_BEDROCK_BASE_URL', CAPTURE_CONTENT_ENV];

/** A one-choice `ok` reply from `model`. */
const okReply = (model: string) => json(chatCompletion({ id: 'chatcmpl-ep', model, choices: [textChoice('ok')], usage: usage(2, 1) }));

describe('endpoint and provider detection', () => {
  const { server, tel, client } = useOpenAITestbed({ clearEnv: ENV_KEYS });

  describe('endpointOf(client), without any request', () => {
    it('default client: api.openai.com:443, provider openai', () => {
      const client = new OpenAI({ apiKey: 'k' });
      expect(client.baseURL).toBe('https://api.openai.com/v1');
      expect(endpointOf(client)).toEqual({ provider: 'openai', serverAddress: 'api.openai.com', serverPort: 443 });
    });

    it.each([
      ['https://api.groq.com/openai/v1', { provider: 'groq', serverAddress: 'api.groq.com', serverPort: 443 }],
      ['https://api.deepseek.com', { provider: 'deepseek', serverAddress: 'api.deepseek.com', serverPort: 443 }],
      ['https://api.deepseek.com/v1', { provider: 'deepseek', serverAddress: 'api.deepseek.com', serverPort: 443 }],
      ['https://api.x.ai/v1', { provider: 'x_ai', serverAddress: 'api.x.ai', serverPort: 443 }],
      ['https://api.perplexity.ai', { provider: 'perplexity', serverAddress: 'api.perplexity.ai', serverPort: 443 }],
      ['https://api.mistral.ai/v1', { provider: 'mistral_ai', serverAddress: 'api.mistral.ai', serverPort: 443 }],
      [
        'https://generativelanguage.googleapis.com/v1beta/openai/',
        { provider: 'gcp.gemini', serverAddress: 'generativelanguage.googleapis.com', serverPort: 443 },
      ],
      // Azure's host seen through a plain OpenAI client still means Azure OpenAI.
      ['https://my-resource.openai.azure.com/openai', { provider: 'azure.ai.openai', serverAddress: 'my-resource.openai.azure.com', serverPort: 443 }],
      // Host matching ignores case (URL parsing lowercases the host).
      ['https://API.GROQ.COM/openai/v1', { provider: 'groq', serverAddress: 'api.groq.com', serverPort: 443 }],
      // Unknown hosts stay openai; explicit ports are kept; http without a port is 80.
      ['https://llm.internal.example.com:8443/v1', { provider: 'openai', serverAddress: 'llm.internal.example.com', serverPort: 8443 }],
      ['http://localhost/v1', { provider: 'openai', serverAddress: 'localhost', serverPort: 80 }],
      ['http://localhost:11434/v1', { provider: 'openai', serverAddress: 'localhost', serverPort: 11434 }],
      ['http://[::1]:8080/v1', { provider: 'openai', serverAddress: '::1', serverPort: 8080 }],
      // Lookalike hosts are not the provider.
      ['https://api.groq.com.attacker.example/v1', { provider: 'openai', serverAddress: 'api.groq.com.attacker.example', serverPort: 443 }],
      ['https://notapi.groq.com/v1', { provider: 'openai', serverAddress: 'notapi.groq.com', serverPort: 443 }],
    ])('baseURL %s', (baseURL, expected) => {
      expect(endpointOf(new OpenAI({ apiKey: 'k', baseURL }))).toEqual(expected);
    });

    it('AzureOpenAI clients are recognised by class, wherever they point', () => {
      const azure = new AzureOpenAI({ endpoint: 'https://my-resource.openai.azure.com', apiKey: 'k', apiVersion: '2024-10-21', deployment: 'gpt-4o' });
      expect(endpointOf(azure)).toEqual({ provider: 'azure.ai.openai', serverAddress: 'my-resource.openai.azure.com', serverPort: 443 });
      const azureProxy = new AzureOpenAI({ endpoint: 'http://gateway.corp.example', apiKey: 'k', apiVersion: '2024-10-21' });
      expect(endpointOf(azureProxy)).toEqual({ provider: 'azure.ai.openai', serverAddress: 'gateway.corp.example', serverPort: 80 });
    });

    // BedrockOpenAI exists from openai 6.x (see test/helpers/sdk-compat.ts).
    itWhen(hasBedrockOpenAI)("BedrockOpenAI clients, and an app's subclass of it, are recognised by class", () => {
      const bedrock = new BedrockOpenAI({ apiKey: 'k', awsRegion: 'us-west-2' });
      expect(endpointOf(bedrock)).toEqual({ provider: 'aws.bedrock', serverAddress: new URL(bedrock.baseURL).hostname, serverPort: 443 });
      class MyBedrock extends BedrockOpenAI {}
      const mine = new MyBedrock({ apiKey: 'k', baseURL: 'http://127.0.0.1:9998/openai/v1' });
      expect(endpointOf(mine)).toEqual({ provider: 'aws.bedrock', serverAddress: '127.0.0.1', serverPort: 9998 });
    });

    it("an app's subclass of AzureOpenAI keeps the provider; a subclass of OpenAI stays openai", () => {
      class MyAzure extends AzureOpenAI {}
      const azure = new MyAzure({ endpoint: 'http://127.0.0.1:9999', apiKey: 'k', apiVersion: '2024-10-21' });
      expect(endpointOf(azure)).toEqual({ provider: 'azure.ai.openai', serverAddress: '127.0.0.1', serverPort: 9999 });
      // A plain subclass of OpenAI stays openai.
      class MyOpenAI extends OpenAI {}
      expect(endpointOf(new MyOpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9997/v1' }))).toEqual({
        provider: 'openai',
        serverAddress: '127.0.0.1',
        serverPort: 9997,
      });
    });

    it('a value that is not a client gives provider openai and no server attributes', () => {
      expect(endpointOf(undefined)).toEqual({ provider: 'openai' });
      expect(endpointOf({ baseURL: 'not a url' })).toEqual({ provider: 'openai', serverAddress: undefined, serverPort: undefined });
    });
  });

  describe('through real requests', () => {
    const base = (provider: string, address: string, port: number, model: string) => ({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'server.address': address,
      'server.port': port,
      'openai.api.type': 'chat_completions',
      'gen_ai.response.id': 'chatcmpl-ep',
      'gen_ai.response.model': model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 1,
    });

    it('AzureOpenAI against the mock server: deployment path on the wire, span says azure.ai.openai', async () => {
      const azure = new AzureOpenAI({
        endpoint: `http://127.0.0.1:${server.port}`,
        apiKey: 'azure-key',
        apiVersion: '2024-10-21',
        deployment: 'my-gpt4o',
        maxRetries: 0,
      });
      server.enqueue(okReply('gpt-4o'));
      const result = await azure.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      expect(result.choices[0]!.message.content).toBe('ok');
      expect(server.requests[0]!.path).toBe('/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
      expect(server.requests[0]!.headers['api-key']).toBe('azure-key');

      const span = onlySpan(tel);
      expect(span.name).toBe('chat gpt-4o');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes).toEqual(base('azure.ai.openai', '127.0.0.1', server.port, 'gpt-4o'));
    });

    // withOptions() exists from openai 5.x (see test/helpers/sdk-compat.ts).
    itWhen(hasWithOptions)('an AzureOpenAI withOptions() copy is still Azure', async () => {
      const azure = new AzureOpenAI({ endpoint: `http://127.0.0.1:${server.port}`, apiKey: 'k', apiVersion: '2024-10-21', maxRetries: 0 });
      // openai 5.x/6.x build the copy without the client's apiVersion (and throw for want of one): an app
      // on those majors passes it again. 7.x keeps it, and must keep getting nothing but the timeout.
      const copy = azure.withOptions(
        azureWithOptionsKeepsApiVersion ? { timeout: 5_000 } : ({ timeout: 5_000, apiVersion: '2024-10-21' } as { timeout: number }),
      );
      server.enqueue(okReply('gpt-4o-mini'));
      await copy.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(server.requests[0]!.path).toBe('/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21');
      expect(onlySpan(tel).attributes).toEqual(base('azure.ai.openai', '127.0.0.1', server.port, 'gpt-4o-mini'));
    });

    it('a Groq baseURL (request rerouted to the mock by a custom fetch): span says groq, api.groq.com:443', async () => {
      const reroutedTo: string[] = [];
      const client = new OpenAI({
        apiKey: 'k',
        baseURL: 'https://api.groq.com/openai/v1',
        maxRetries: 0,
        fetch: (url, init) => {
          const target = new URL(String(url));
          const local = `http://127.0.0.1:${server.port}${target.pathname}${target.search}`;
          reroutedTo.push(local);
          return fetch(local, init);
        },
      });
      server.enqueue(okReply('llama-3.3-70b-versatile'));
      await client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hi' }] });
      expect(reroutedTo).toEqual([`http://127.0.0.1:${server.port}/openai/v1/chat/completions`]);
      expect(onlySpan(tel).attributes).toEqual(base('groq', 'api.groq.com', 443, 'llama-3.3-70b-versatile'));
    });

    it('a plain OpenAI client against the mock server: provider openai, 127.0.0.1 and its port', async () => {
      server.enqueue(okReply('gpt-4o'));
      await client({ apiKey: 'k' }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      expect(tel.spans().map((s) => s.attributes)).toEqual([base('openai', '127.0.0.1', server.port, 'gpt-4o')]);
    });
  });
});
