/* The @google/genai translations on their own: parts, roles, tools, usage, finish reasons, error types, endpoints. */
import { endpointOf } from '../../src/providers/google-genai/endpoint';
import { CallRecord } from '../../src/providers/google-genai/call-record';
import { outputType, requestFacts } from '../../src/providers/google-genai/generate-content-request';
import { finishReason, geminiErrorType, generateContentResponse, sumUsage, tokenUsage } from '../../src/providers/google-genai/generate-content-response';
import { GeminiChunkHandler } from '../../src/providers/google-genai/generate-content-stream';
import { contentList, inputMessages, partOf, systemInstructionParts, toolDefinitions } from '../../src/providers/google-genai/messages';

describe('parts', () => {
  it.each<[string, unknown, unknown]>([
    ['a string', 'hi', { type: 'text', content: 'hi' }],
    ['text', { text: 'hi' }, { type: 'text', content: 'hi' }],
    ['a thought', { text: 'hmm', thought: true, thoughtSignature: 'c2ln' }, { type: 'reasoning', content: 'hmm' }],
    ['inline data', { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }, { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: 'UklGRg==' }],
    ['a pdf inline', { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } }, { type: 'blob', modality: 'document', mime_type: 'application/pdf', content: 'JVBE' }],
    [
      'file data by URL',
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'video/mp4' } },
      { type: 'uri', modality: 'video', mime_type: 'video/mp4', uri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' },
    ],
    ['file data by name', { fileData: { fileUri: 'files/abc', mimeType: 'image/jpeg' } }, { type: 'file', modality: 'image', mime_type: 'image/jpeg', file_id: 'files/abc' }],
    ['a function call', { functionCall: { id: 'c1', name: 'f', args: { a: 1 } } }, { type: 'tool_call', id: 'c1', name: 'f', arguments: { a: 1 } }],
    ['a function call without id', { functionCall: { name: 'f', args: {} } }, { type: 'tool_call', name: 'f', arguments: {} }],
    ['a function response', { functionResponse: { id: 'c1', name: 'f', response: { output: 3 } } }, { type: 'tool_call_response', id: 'c1', response: { output: 3 } }],
    [
      'executable code',
      { executableCode: { code: 'print(1)', language: 'PYTHON' } },
      { type: 'server_tool_call', name: 'code_execution', server_tool_call: { type: 'code_execution', language: 'PYTHON', code: 'print(1)' } },
    ],
    [
      'a code execution result',
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } },
      { type: 'server_tool_call_response', server_tool_call_response: { type: 'code_execution', outcome: 'OUTCOME_OK', output: '1\n' } },
    ],
    [
      'a built-in tool call',
      { toolCall: { id: 't1', toolType: 'GOOGLE_SEARCH_WEB', args: { q: 'x' } } },
      { type: 'server_tool_call', id: 't1', name: 'google_search_web', server_tool_call: { type: 'google_search_web', arguments: { q: 'x' } } },
    ],
    ['an unknown kind', { somethingNew: { x: 1 } }, { type: 'something_new' }],
    ['a bare signature', { thoughtSignature: 'c2ln' }, undefined],
  ])('%s', (_label, raw, expected) => {
    expect(partOf(raw)).toEqual(expected);
  });
});

describe('contents and roles', () => {
  it('normalises contents like the SDK: a string, parts, a Content, Contents', () => {
    expect(contentList('q')).toEqual([{ role: 'user', parts: ['q'] }]);
    expect(contentList(['a', { text: 'b' }])).toEqual([{ role: 'user', parts: ['a', { text: 'b' }] }]);
    expect(contentList({ role: 'model', parts: [] })).toEqual([{ role: 'model', parts: [] }]);
    expect(contentList([{ parts: [{ text: 'x' }] }, { role: 'model', parts: [] }])).toHaveLength(2);
    expect(contentList(undefined)).toEqual([]);
  });

  it('model → assistant, function responses → tool, no role → user', () => {
    expect(
      inputMessages([
        { parts: [{ text: 'q' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
        { role: 'function', parts: [{ functionResponse: { name: 'f', response: {} } }] },
      ]).map((m) => m.role),
    ).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  it('system instructions from a string, parts or a Content', () => {
    expect(systemInstructionParts('Be brief.')).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(systemInstructionParts({ role: 'system', parts: [{ text: 'a' }, { text: 'b' }] })).toEqual([
      { type: 'text', content: 'a' },
      { type: 'text', content: 'b' },
    ]);
    expect(systemInstructionParts(undefined)).toBeUndefined();
  });

  it('tools: function declarations (parameters or parametersJsonSchema), built-ins by snake_case key; CallableTools left for later', () => {
    const callable = { tool: async () => ({}), callTool: async () => [] };
    expect(
      toolDefinitions([
        { functionDeclarations: [{ name: 'a', parameters: { type: 'OBJECT' } }, { name: 'b', description: 'B', parametersJsonSchema: { type: 'object' } }] },
        { codeExecution: {}, urlContext: {} },
        callable,
      ]),
    ).toEqual([
      { type: 'function', name: 'a', parameters: { type: 'OBJECT' } },
      { type: 'function', name: 'b', description: 'B', parameters: { type: 'object' } },
      { type: 'code_execution', name: 'code_execution' },
      { type: 'url_context', name: 'url_context' },
    ]);
  });
});

describe('request parameters', () => {
  it.each<[Record<string, unknown>, string | undefined]>([
    [{ responseMimeType: 'application/json' }, 'json'],
    [{ responseSchema: { type: 'OBJECT' } }, 'json'],
    [{ responseMimeType: 'text/x.enum' }, 'text'],
    [{ responseModalities: ['AUDIO'] }, 'speech'],
    [{ responseModalities: ['TEXT', 'IMAGE'] }, 'image'],
    [{ responseModalities: ['TEXT'] }, 'text'],
    [{}, undefined],
  ])('output type of %j is %s', (config, expected) => {
    expect(outputType(config)).toBe(expected);
  });
});

describe('usage, finish reasons, error types', () => {
  it('normalises usageMetadata: input = prompt + tool use, output = candidates + thoughts', () => {
    expect(tokenUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 10, thoughtsTokenCount: 30, toolUsePromptTokenCount: 5 })).toEqual({
      inputTokens: 105,
      outputTokens: 40,
      cacheReadInputTokens: 60,
      reasoningOutputTokens: 30,
    });
    expect(tokenUsage({ promptTokenCount: 7 })).toEqual({ inputTokens: 7, outputTokens: undefined, cacheReadInputTokens: undefined, reasoningOutputTokens: undefined });
    expect(tokenUsage(undefined)).toBeUndefined();
    expect(sumUsage([{ inputTokens: 1, outputTokens: 2 }, undefined, { inputTokens: 3, reasoningOutputTokens: 4 }])).toEqual({
      inputTokens: 4,
      outputTokens: 2,
      cacheReadInputTokens: undefined,
      reasoningOutputTokens: 4,
    });
  });

  it.each<[unknown, boolean, string]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_call'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', true, 'malformed_function_call'],
    ['OTHER', false, 'other'],
    [undefined, false, 'error'],
  ])('finish reason %s (function call: %s) → %s', (raw, call, expected) => {
    expect(finishReason(raw, call)).toBe(expected);
  });

  it('error.type: the Google error code of an SDK error, else its HTTP status; other errors are left to the core', () => {
    class ApiError extends Error {
      constructor(
        message: string,
        readonly status: number,
      ) {
        super(message);
      }
    }
    class ClientError extends Error {}
    expect(geminiErrorType(new ApiError(JSON.stringify({ error: { code: 429, message: 'q', status: 'RESOURCE_EXHAUSTED' } }), 429))).toBe('RESOURCE_EXHAUSTED');
    expect(geminiErrorType(new ApiError('got status: INTERNAL. {"error":{"code":500,"message":"x","status":"INTERNAL"}}', 500))).toBe('INTERNAL');
    expect(geminiErrorType(new ApiError('{"error":{"message":"bad","code":502,"status":"Bad Gateway"}}', 502))).toBe('502');
    expect(geminiErrorType(new ClientError('got status: 400 Bad Request. {"error":{"code":400,"message":"x","status":"INVALID_ARGUMENT"}}'))).toBe('INVALID_ARGUMENT');
    expect(geminiErrorType(new ClientError('got status: 404 Not Found. not json'))).toBe('404');
    expect(geminiErrorType(new Error('{"status":"INTERNAL"}'))).toBeUndefined();
    expect(geminiErrorType(new TypeError('fetch failed'))).toBeUndefined();
    expect(geminiErrorType('nope')).toBeUndefined();
  });

  it('a non-streamed response: usage summed over the model requests seen; AFC turns after the user contents', () => {
    const call = new CallRecord({}, 'generateContent', true);
    const contents = [{ role: 'user', parts: [{ text: 'q' }] }];
    call.onRequest({ contents });
    call.onResponse({ usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1 } });
    call.onRequest({ contents: [...contents, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { r: 1 } } }] }] });
    call.onResponse({ usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 2 } });
    const facts = requestFacts({ contents: 'q' });
    const result = generateContentResponse({ candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] }, finishReason: 'STOP' }] }, call, facts, true);
    expect(result.usage).toEqual({ inputTokens: 30, outputTokens: 3, cacheReadInputTokens: undefined, reasoningOutputTokens: undefined });
    expect(result.requestContentUpdate!().appendInputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'f', arguments: {} }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', response: { r: 1 } }] },
    ]);
  });

  it('a stream cut off before any candidate: one finish reason, error; one that ended without candidates: NO_CANDIDATES', () => {
    const facts = requestFacts({ contents: 'q' });
    expect(new GeminiChunkHandler(false, facts, undefined).toResponse(true).finishReasons).toEqual(['error']);
    const ended = new GeminiChunkHandler(false, facts, undefined).toResponse(false);
    expect(ended.finishReasons).toBeUndefined();
    expect(ended.error).toEqual({ type: 'NO_CANDIDATES', message: 'the response has no candidates' });
  });
});

describe('endpoint', () => {
  const apiClient = (opts: { vertex?: boolean; baseUrl?: string; location?: string }) => ({
    apiClient: {
      isVertexAI: () => opts.vertex === true,
      getBaseUrl: () => {
        if (opts.baseUrl === undefined) throw new Error('Base URL is not set.');
        return opts.baseUrl;
      },
      getLocation: () => opts.location,
    },
  });

  it('Gemini API by default, from the client base URL', () => {
    expect(endpointOf(apiClient({ baseUrl: 'https://generativelanguage.googleapis.com/' }), {})).toEqual({
      provider: 'gcp.gemini',
      serverAddress: 'generativelanguage.googleapis.com',
      serverPort: 443,
    });
  });

  it('Vertex AI: the regional host, or the default one when no base URL can be read', () => {
    expect(endpointOf(apiClient({ vertex: true, baseUrl: 'https://us-central1-aiplatform.googleapis.com/' }), {})).toEqual({
      provider: 'gcp.vertex_ai',
      serverAddress: 'us-central1-aiplatform.googleapis.com',
      serverPort: 443,
    });
    expect(endpointOf(apiClient({ vertex: true, location: 'europe-west4' }), {})).toEqual({
      provider: 'gcp.vertex_ai',
      serverAddress: 'europe-west4-aiplatform.googleapis.com',
      serverPort: 443,
    });
  });

  it("a request's httpOptions.baseUrl wins over the client's; an unparsable one leaves server.* unset", () => {
    const models = apiClient({ baseUrl: 'https://generativelanguage.googleapis.com/' });
    expect(endpointOf(models, { config: { httpOptions: { baseUrl: 'http://proxy.internal:8080/' } } })).toEqual({
      provider: 'gcp.gemini',
      serverAddress: 'proxy.internal',
      serverPort: 8080,
    });
    expect(endpointOf(models, { config: { httpOptions: { baseUrl: 'not a url' } } })).toEqual({ provider: 'gcp.gemini' });
    expect(endpointOf(models, {}).serverAddress).toBe('generativelanguage.googleapis.com');
  });
});
