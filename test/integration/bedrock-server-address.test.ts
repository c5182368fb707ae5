/*
 * server.address / server.port at span start (what a sampler sees) on a Bedrock client's first call,
 * from what the client was constructed with (src/providers/bedrock/client-config.ts), and the value the
 * middleware sets once the SDK sent the request. Regional AWS endpoints are never contacted: a request
 * handler records where the SDK sends the request and delivers it to the loopback mock server instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig, ConverseCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { FAKE_CREDENTIALS, clientConfig, useBedrockTestbed } from '../helpers/bedrock-testbed';
import { withEnv } from '../helpers/env';
import { onlySpan } from '../helpers/spans';
import { CLAUDE, textResponse } from '../fixtures/bedrock';
import { json } from '../mock-servers/bedrock-server';

const hello = (): ConverseCommandInput => ({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'Say hello' }] }] });
const serverAttributes = (span: Record<string, unknown> | undefined) => ({ address: span?.['server.address'], port: span?.['server.port'] });

interface HttpRequestLike {
  protocol: string;
  hostname: string;
  port?: number;
}

describe('Bedrock: server.address / server.port at the start of a client’s first call', () => {
  const { server, tel, client, aggregated } = useBedrockTestbed();

  // The SDK reads ~/.aws/config (use_fips_endpoint, endpoint_url, ...): an empty one keeps the machine's out.
  let configDir: string;
  let savedConfigFile: string | undefined;
  beforeAll(() => {
    configDir = mkdtempSync(join(tmpdir(), 'genai-bedrock-config-'));
    writeFileSync(join(configDir, 'config'), '');
    savedConfigFile = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = join(configDir, 'config');
  });
  afterAll(() => {
    if (savedConfigFile === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = savedConfigFile;
    rmSync(configDir, { recursive: true, force: true });
  });

  const clients: BedrockRuntimeClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });

  /**
   * A client without the testbed's endpoint, whose requests reach the mock server: its request handler
   * records where the SDK sends each request (as resolved from the region, FIPS, ...) and reroutes it.
   */
  function rerouted(config: Partial<BedrockRuntimeClientConfig>): { client: BedrockRuntimeClient; sentTo: string[] } {
    const carrier = new BedrockRuntimeClient(clientConfig(server));
    clients.push(carrier);
    const http2 = carrier.config.requestHandler as unknown as { handle(request: HttpRequestLike, options?: unknown): Promise<unknown> };
    const sentTo: string[] = [];
    const requestHandler = {
      handle(request: HttpRequestLike, options?: unknown) {
        sentTo.push(`${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`);
        Object.assign(request, { protocol: 'http:', hostname: '127.0.0.1', port: server.port });
        return http2.handle(request, options);
      },
    };
    const c = new BedrockRuntimeClient({ credentials: FAKE_CREDENTIALS, maxAttempts: 1, requestHandler, ...config } as BedrockRuntimeClientConfig);
    clients.push(c);
    return { client: c, sentTo };
  }

  /** One successful Converse call; its span's server attributes at start and at the end. */
  async function firstCall(c: { send(command: ConverseCommand): Promise<unknown> }) {
    server.enqueue(json(textResponse('hi')));
    await c.send(new ConverseCommand(hello()));
    const span: ReadableSpan = onlySpan(tel.spans());
    return { atStart: serverAttributes(tel.startAttributes(span)), atEnd: serverAttributes(span.attributes) };
  }

  const mock = () => ({ address: '127.0.0.1', port: server.port });

  describe('an explicit endpoint', () => {
    it('a URL string: the first call of a new client starts with it (and so does the next)', async () => {
      server.enqueue(json(textResponse('1')), json(textResponse('2')));
      const c = client();
      await c.send(new ConverseCommand(hello()));
      await c.send(new ConverseCommand(hello()));
      const [first, second] = tel.spans();
      expect(serverAttributes(tel.startAttributes(first!))).toEqual(mock());
      expect(serverAttributes(tel.startAttributes(second!))).toEqual(mock());
      expect(serverAttributes(first!.attributes)).toEqual(mock());
    });

    it('the aggregated BedrockRuntime client and an app subclass of BedrockRuntimeClient', async () => {
      expect(await firstCall(aggregated())).toEqual({ atStart: mock(), atEnd: mock() });
      tel.reset();
      class AppClient extends BedrockRuntimeClient {}
      const sub = new AppClient(clientConfig(server));
      clients.push(sub);
      expect(await firstCall(sub)).toEqual({ atStart: mock(), atEnd: mock() });
    });

    it('an Endpoint object { protocol, hostname, port, path }', async () => {
      const endpoint = { protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: '/' };
      expect(await firstCall(client({ endpoint }))).toEqual({ atStart: mock(), atEnd: mock() });
    });

    it('an EndpointV2 { url }', async () => {
      expect(await firstCall(client({ endpoint: { url: new URL(server.endpoint) } }))).toEqual({ atStart: mock(), atEnd: mock() });
    });

    it('an endpoint provider function is async: set when the request goes out, at the start of the next call', async () => {
      const c = client({ endpoint: async () => ({ protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: '/' }) });
      expect(await firstCall(c)).toEqual({ atStart: { address: undefined, port: undefined }, atEnd: mock() });
      tel.reset();
      expect(await firstCall(c)).toEqual({ atStart: mock(), atEnd: mock() });
    });
  });

  describe('no endpoint: the region’s, as the SDK resolves it', () => {
    it.each<[string, Partial<BedrockRuntimeClientConfig>, string]>([
      ['a region', { region: 'eu-west-3' }, 'bedrock-runtime.eu-west-3.amazonaws.com'],
      ['FIPS', { region: 'us-east-1', useFipsEndpoint: true }, 'bedrock-runtime-fips.us-east-1.amazonaws.com'],
      ['dual-stack', { region: 'eu-west-3', useDualstackEndpoint: true }, 'bedrock-runtime.eu-west-3.api.aws'],
      ['FIPS and dual-stack', { region: 'us-east-1', useFipsEndpoint: true, useDualstackEndpoint: true }, 'bedrock-runtime-fips.us-east-1.api.aws'],
      ['a FIPS pseudo-region', { region: 'fips-us-east-1' }, 'bedrock-runtime-fips.us-east-1.amazonaws.com'],
      ['the China partition', { region: 'cn-north-1' }, 'bedrock-runtime.cn-north-1.amazonaws.com.cn'],
      ['FIPS off explicitly', { region: 'us-west-2', useFipsEndpoint: false }, 'bedrock-runtime.us-west-2.amazonaws.com'],
    ])('%s: %j starts with %s:443', async (_name, config, host) => {
      const { client: c, sentTo } = rerouted(config);
      expect(await firstCall(c)).toEqual({ atStart: { address: host, port: 443 }, atEnd: { address: host, port: 443 } });
      expect(sentTo).toEqual([`https://${host}`]);
    });

    it('FIPS and dual-stack from AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT', async () => {
      const host = 'bedrock-runtime-fips.us-west-2.api.aws';
      const result = await withEnv('AWS_USE_FIPS_ENDPOINT', 'true', () =>
        withEnv('AWS_USE_DUALSTACK_ENDPOINT', 'true', async () => {
          const { client: c, sentTo } = rerouted({ region: 'us-west-2' });
          return { ...(await firstCall(c)), sentTo };
        }),
      );
      expect(result).toEqual({ atStart: { address: host, port: 443 }, atEnd: { address: host, port: 443 }, sentTo: [`https://${host}`] });
    });

    it('AWS_ENDPOINT_URL_BEDROCK_RUNTIME, then AWS_ENDPOINT_URL, replace the region’s endpoint; ignoreConfiguredEndpointUrls keeps it', async () => {
      const other = 'http://127.0.0.2:9';
      await withEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', server.endpoint, () =>
        withEnv('AWS_ENDPOINT_URL', other, async () => {
          const c = new BedrockRuntimeClient({ region: 'eu-west-3', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
          clients.push(c);
          expect(await firstCall(c)).toEqual({ atStart: mock(), atEnd: mock() });
        }),
      );
      tel.reset();
      await withEnv('AWS_ENDPOINT_URL', server.endpoint, async () => {
        const c = new BedrockRuntimeClient({ region: 'eu-west-3', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
        clients.push(c);
        expect(await firstCall(c)).toEqual({ atStart: mock(), atEnd: mock() });
      });
      tel.reset();
      await withEnv('AWS_ENDPOINT_URL', other, async () => {
        const { client: c, sentTo } = rerouted({ region: 'eu-west-3', ignoreConfiguredEndpointUrls: true });
        const host = 'bedrock-runtime.eu-west-3.amazonaws.com';
        expect(await firstCall(c)).toEqual({ atStart: { address: host, port: 443 }, atEnd: { address: host, port: 443 } });
        expect(sentTo).toEqual([`https://${host}`]);
      });
    });

    it('a region provider (or none: AWS_REGION, the config file, instance metadata) is async: set when the request goes out', async () => {
      const host = 'bedrock-runtime.eu-west-3.amazonaws.com';
      const { client: c } = rerouted({ region: async () => 'eu-west-3' });
      expect(await firstCall(c)).toEqual({ atStart: { address: undefined, port: undefined }, atEnd: { address: host, port: 443 } });
      tel.reset();
      await withEnv('AWS_REGION', 'eu-west-3', async () => {
        const { client: fromEnv } = rerouted({});
        expect(await firstCall(fromEnv)).toEqual({ atStart: { address: undefined, port: undefined }, atEnd: { address: host, port: 443 } });
      });
    });

    it('use_fips_endpoint only in the shared config file is not read at span start: the middleware corrects the host', async () => {
      // A file of its own: the SDK caches each config file it read for the life of the process.
      const fipsConfig = join(configDir, 'config-fips');
      writeFileSync(fipsConfig, '[default]\nuse_fips_endpoint = true\n');
      const { atStart, atEnd, sentTo } = await withEnv('AWS_CONFIG_FILE', fipsConfig, async () => {
        const { client: c, sentTo } = rerouted({ region: 'us-east-1' });
        return { ...(await firstCall(c)), sentTo };
      });
      expect({ atStart, atEnd }).toEqual({
        atStart: { address: 'bedrock-runtime.us-east-1.amazonaws.com', port: 443 },
        atEnd: { address: 'bedrock-runtime-fips.us-east-1.amazonaws.com', port: 443 },
      });
      expect(sentTo).toEqual(['https://bedrock-runtime-fips.us-east-1.amazonaws.com']);
    });
  });

  it('the class, its prototype and its instances stay as they are; disable() takes the construct trap away', async () => {
    const smithyClient = Object.getPrototypeOf(BedrockRuntimeClient.prototype).constructor;
    const c = client();
    expect(c.constructor).toBe(BedrockRuntimeClient);
    expect(c).toBeInstanceOf(BedrockRuntimeClient);
    expect(c).toBeInstanceOf(smithyClient);
    // Interposed while enabled: a proxy of Smithy's Client, not the Client itself.
    expect(Object.getPrototypeOf(BedrockRuntimeClient)).not.toBe(smithyClient);

    tel.instrumentation.disable();
    expect(Object.getPrototypeOf(BedrockRuntimeClient)).toBe(smithyClient);
    const builtWhileDisabled = client();
    tel.instrumentation.enable();
    expect(Object.getPrototypeOf(BedrockRuntimeClient)).not.toBe(smithyClient);
    // Nothing was recorded for it: its first call gets the server when the request goes out.
    expect(await firstCall(builtWhileDisabled)).toEqual({ atStart: { address: undefined, port: undefined }, atEnd: mock() });
  });
});
