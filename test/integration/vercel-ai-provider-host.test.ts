/*
 * An AI SDK provider id the conventions do not know (an OpenAI-compatible provider the app named) is named
 * by the host its calls go to, as the openai SDK's base URL is (the host → provider mapping itself:
 * test/unit/vercel-ai-provider-name.test.ts). The wrapped calls (`generateObject` in every major;
 * everything in `ai` 5 and 6) know the model's base URL when the span starts, so samplers see the server;
 * `ai` 7's channel reports the request URL only when the call ends, and the span and its metrics then carry
 * the host's provider.
 */
import { context as contextApi } from '@opentelemetry/api';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { onlySpan } from '../helpers/spans';
import { metricPoints } from '../helpers/telemetry';
import { MODEL, chatCompletion, textChoice, usage } from '../fixtures/chat';
import { json } from '../mock-servers/openai-server';
import { modelCall } from '../../src/providers/vercel-ai/model-call';
import { openModelCall } from '../../src/providers/vercel-ai/model-call-record';

const { server, tel, ai } = useVercelAITestbed({ lifetime: 'test' });

it('a wrapped call starts with the server of its model base URL (what samplers see)', async () => {
  const { createOpenAICompatible } = require('@ai-sdk/openai-compatible');
  const { z } = require('zod');
  const gateway = createOpenAICompatible({ name: 'deepseek', baseURL: server.baseURL, apiKey: 'k' });
  server.enqueue(json(chatCompletion({ id: 'chatcmpl-h1', choices: [textChoice('{"ok":true}')], usage: usage(5, 2) })));

  const result = await ai().generateObject({ model: gateway.chatModel(MODEL), schema: z.object({ ok: z.boolean() }), prompt: 'OK?', maxRetries: 0 });

  expect(result.object).toEqual({ ok: true });
  const span = onlySpan(tel);
  const { hostname, port } = new URL(server.baseURL);
  expect(tel.startAttributes(span)).toEqual({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'deepseek',
    'gen_ai.request.model': MODEL,
    'server.address': hostname,
    'server.port': Number(port),
  });
});

it('a call that reports a known provider host when it ends gets that provider on its span and its metrics', async () => {
  // What ai 7's channel does: the span starts from the event (provider id, model), the URL comes at the end.
  const call = openModelCall(tel.instrumentation, modelCall({ provider: 'my-gateway.chat', modelId: MODEL }, { streamed: false }), contextApi.active(), false, 'my-gateway.chat');
  expect(call).toBeDefined();
  call!.end(undefined, 'https://api.groq.com/openai/v1');

  const span = onlySpan(tel);
  expect(tel.startAttributes(span)).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'my-gateway', 'gen_ai.request.model': MODEL });
  expect(span.attributes).toEqual({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'groq',
    'gen_ai.request.model': MODEL,
    'server.address': 'api.groq.com',
    'server.port': 443,
  });
  const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
  expect(durations.map((p) => p.attributes)).toEqual([
    { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'groq', 'gen_ai.request.model': MODEL, 'server.address': 'api.groq.com', 'server.port': 443 },
  ]);
});
