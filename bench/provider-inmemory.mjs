/*
 * The in-memory transport of the per-provider benchmark (bench/providers.mjs `--transport inmemory`): no
 * sockets, each SDK's own transport hook answers with the bytes of bench/provider-wire.mjs, a new
 * response object (and body stream) per call, as bench/harness.mjs `inMemoryFetch` does for openai.
 *
 *   inMemoryFetch        a `fetch` for the SDKs that take one (Anthropic and Groq: the client's `fetch`
 *                        option; Google Gen AI: `httpOptions.fetch`): a Response, its body a ReadableStream
 *                        of the parts (one chunk per event, as the loopback server writes them)
 *   inMemoryHttpHandler  a Smithy request handler for the Bedrock Runtime client (`requestHandler`): what
 *                        its default NodeHttp2Handler resolves, `{ response: HttpResponse }` with the lower-
 *                        case headers and the body as a Node Readable (there, the HTTP/2 stream)
 *
 * The request is not read: each client is made for one workload, so the answer is known.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { WIRE } from './provider-wire.mjs';

/** A fetch answering every request with WIRE[provider][workload]. */
export function inMemoryFetch(provider, workload) {
  const { headers, parts } = WIRE[provider][workload];
  let answers = 0;
  return async () =>
    new Response(
      new ReadableStream({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
      { status: 200, headers: headers(++answers) },
    );
}

/**
 * A request handler for the Bedrock Runtime client answering every request with WIRE.bedrock[workload].
 * `HttpResponse` comes from the client's own @smithy/core (resolved from `clientPackageDir`).
 */
export function inMemoryHttpHandler(workload, clientPackageDir) {
  const { HttpResponse } = createRequire(`${clientPackageDir}package.json`)('@smithy/core/protocols');
  const { headers, parts } = WIRE.bedrock[workload];
  let answers = 0;
  return {
    // As NodeHttp2Handler's: the client's middleware sets `:authority` rather than `host` for h2.
    metadata: { handlerProtocol: 'h2' },
    async handle() {
      const body = new Readable({ read() {} });
      for (const part of parts) body.push(part);
      body.push(null);
      return { response: new HttpResponse({ statusCode: 200, headers: headers(++answers), body }) };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}
