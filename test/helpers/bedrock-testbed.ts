/*
 * The Bedrock Runtime testbed (see testbed.ts): the BedrockRuntimeInstrumentation patched into the
 * `@aws-sdk/client-bedrock-runtime` module the test loads, the loopback Bedrock mock server, and clients
 * of it (region us-east-1, static fake credentials, no retries).
 *
 *   const { server, tel, client } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 */
import { BedrockRuntime, BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeInstrumentation, type BedrockRuntimeInstrumentationConfig } from '../../src/providers/bedrock/instrumentation';
import { MockBedrockServer } from '../mock-servers/bedrock-server';
import { CAPTURE_CONTENT_ENV } from './env';
import { callAttributes } from './spans';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

export const BEDROCK: Provider<BedrockRuntimeInstrumentation> = {
  Instrumentation: BedrockRuntimeInstrumentation,
  sdkModule: () => require('@aws-sdk/client-bedrock-runtime'),
};

export const REGION = 'us-east-1';
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export function clientConfig(server: MockBedrockServer, opts: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClientConfig {
  return { endpoint: server.endpoint, region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1, ...opts };
}

export interface BedrockTestbed {
  server: MockBedrockServer;
  tel: TestTelemetry<BedrockRuntimeInstrumentation>;
  /** A new BedrockRuntimeClient of the mock server. */
  client(opts?: Partial<BedrockRuntimeClientConfig>): BedrockRuntimeClient;
  /** A new aggregated BedrockRuntime client (`converse()`, `invokeModel()`, ...) of the mock server. */
  aggregated(opts?: Partial<BedrockRuntimeClientConfig>): BedrockRuntime;
  /** The attributes every span of a call to the mock server carries, plus `extra`. */
  baseAttributes(operation: string, model: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

/** Variables the SDK or this package read: none may leak into a test. */
const BEDROCK_ENV = [
  CAPTURE_CONTENT_ENV,
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_REGION',
  'AWS_PROFILE',
];

export function useBedrockTestbed(opts: TestbedOptions<BedrockRuntimeInstrumentationConfig> = {}): BedrockTestbed {
  const { server, tel } = useTestbed(BEDROCK, new MockBedrockServer(), BEDROCK_ENV, opts);
  return {
    server,
    tel,
    client: (clientOpts) => new BedrockRuntimeClient(clientConfig(server, clientOpts)),
    aggregated: (clientOpts) => new BedrockRuntime(clientConfig(server, clientOpts)),
    baseAttributes: (operation, model, extra = {}) => callAttributes(server, operation, 'aws.bedrock', { 'gen_ai.request.model': model, ...extra }),
  };
}
