/*
 * `server.address` / `server.port` of a client's first call, known before its span starts (the conventions
 * want them at span start: samplers may use them). Later calls use what the middleware saw the SDK send.
 *
 * Why construction: once built, an AWS SDK v3 client keeps its endpoint settings only as async providers:
 * Smithy's resolveRegionConfig and resolveEndpointConfig replace even a static region string or endpoint
 * URL by an async function (in place, so `client.initConfig` is the same resolved object). The generated
 * constructor, though, first hands its runtime configuration (the app's values, not yet resolved) to
 * Smithy's `Client` constructor, the class's [[Prototype]]. We interpose a construct trap there (the
 * class object, its prototype and its instances stay as they are) and record the few settings that name
 * the endpoint. Releases whose constructor hands over the resolved configuration (3.587.0 does) leave
 * nothing to read: their first call gets the server once the request goes out, as before.
 *
 * What is known synchronously, mirroring the SDK's endpoint resolution:
 * - an explicit `endpoint`: a URL string, a `{ url }` (EndpointV2), a `{ protocol, hostname, port }`
 *   (Endpoint) or a URL object; a provider function is async: nothing at start;
 * - else an endpoint from AWS_ENDPOINT_URL_BEDROCK_RUNTIME / AWS_ENDPOINT_URL (unless
 *   `ignoreConfiguredEndpointUrls` or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true);
 * - else the region's endpoint from the client's own endpoint rule set (`config.endpointProvider`, sync),
 *   which knows FIPS, dual-stack and partitions (`.amazonaws.com.cn`, ...), for a region given as a string
 *   (`fips-` / `-fips` pseudo-regions included). A region provider, or none (the SDK then reads AWS_REGION,
 *   the shared config file, then instance metadata, all async behind one function), gives nothing at start.
 * FIPS / dual-stack: a boolean as given; when left to the SDK (a function), its environment variable,
 * else off. The shared config file (~/.aws/config) is never read at span start: an `endpoint_url`,
 * `use_fips_endpoint` or `use_dualstack_endpoint` set only there makes the first span start with the
 * plain regional endpoint, and the middleware sets the real one when the request goes out.
 */
import { serverOf, serverOfUrl } from '../../core';
import type { Endpoint } from './operation';

interface ConstructedConfig {
  endpoint: unknown;
  region: unknown;
  useFipsEndpoint: unknown;
  useDualstackEndpoint: unknown;
  ignoreConfiguredEndpointUrls: unknown;
}

/** The endpoint settings each client was constructed with (while the instrumentation was enabled). */
const constructedConfigs = new WeakMap<object, ConstructedConfig>();
/** Our construct traps, to the constructor each one stands in front of. */
const interposed = new WeakMap<object, object>();

function record(instance: unknown, config: unknown): void {
  if (!instance || typeof instance !== 'object' || !config || typeof config !== 'object') return;
  const c = config as Record<string, unknown>;
  // Copied now: the SDK replaces these in place right after this constructor returns.
  constructedConfigs.set(instance, {
    endpoint: c.endpoint,
    region: c.region,
    useFipsEndpoint: c.useFipsEndpoint,
    useDualstackEndpoint: c.useDualstackEndpoint,
    ignoreConfiguredEndpointUrls: c.ignoreConfiguredEndpointUrls,
  });
}

/** Records the configuration each new `clientClass` (or subclass) instance is built with. */
export function recordConstruction(clientClass: unknown): void {
  if (typeof clientClass !== 'function') return;
  const base: unknown = Object.getPrototypeOf(clientClass);
  if (typeof base !== 'function' || base === Function.prototype || interposed.has(base)) return;
  const trap = new Proxy(base, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget) as object;
      try {
        record(instance, args[0]);
      } catch {
        // Never in the way of constructing a client.
      }
      return instance;
    },
  });
  interposed.set(trap, base);
  try {
    Object.setPrototypeOf(clientClass, trap);
  } catch {
    // A class that cannot take it (frozen): first calls get the server when the request goes out.
  }
}

/** Undoes recordConstruction: the class's [[Prototype]] is the original constructor again. */
export function stopRecordingConstruction(clientClass: unknown): void {
  if (typeof clientClass !== 'function') return;
  const base = interposed.get(Object.getPrototypeOf(clientClass) as object);
  if (base) Object.setPrototypeOf(clientClass, base);
}

/** The server of an explicit endpoint; undefined for a provider function (async) or what does not parse. */
function explicitServer(endpoint: unknown): Endpoint | undefined {
  if (typeof endpoint === 'string') return serverOfUrl(endpoint);
  if (!endpoint || typeof endpoint !== 'object') return undefined;
  const e = endpoint as { url?: unknown; hostname?: unknown; port?: unknown; protocol?: unknown };
  if ('url' in e) return typeof e.url === 'string' ? serverOfUrl(e.url) : explicitServer(e.url);
  if (typeof e.hostname !== 'string' || e.hostname === '') return undefined;
  const port = typeof e.port === 'number' ? e.port : typeof e.port === 'string' && e.port !== '' ? Number(e.port) : undefined;
  if (port !== undefined && !Number.isInteger(port)) return undefined;
  return serverOf(e.hostname, port, typeof e.protocol === 'string' ? e.protocol : undefined);
}

/** A boolean setting from the environment, as Smithy's booleanSelector reads it ('x' makes the SDK throw). */
function envFlag(name: string): boolean | 'invalid' | undefined {
  const v = process.env[name];
  if (v === undefined) return undefined;
  return v === 'true' ? true : v === 'false' ? false : 'invalid';
}

/** The endpoint the SDK takes from the environment when the client has none (Smithy's getEndpointFromConfig). */
function configuredEndpoint(config: ConstructedConfig): string | 'unknown' | undefined {
  if (config.ignoreConfiguredEndpointUrls) return undefined;
  const ignore = envFlag('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS');
  if (ignore === 'invalid') return 'unknown';
  if (ignore) return undefined;
  return process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME || process.env.AWS_ENDPOINT_URL || undefined;
}

/** FIPS / dual-stack: as given, or (left to the SDK) its environment variable, else off. */
function flag(value: unknown, envName: string, given: (v: unknown) => boolean): boolean | undefined {
  if (typeof value !== 'function') return given(value);
  const env = envFlag(envName);
  return env === 'invalid' ? undefined : (env ?? false);
}

const isFipsRegion = (region: string) => region.startsWith('fips-') || region.endsWith('-fips');
/** Smithy's getRealRegion: the region a FIPS pseudo-region stands for. */
const realRegion = (region: string) =>
  !isFipsRegion(region) ? region : region === 'fips-aws-global' || region === 'aws-fips' ? 'us-east-1' : region.replace(/fips-(dkr-|prod-)?|-fips/, '');
/** Smithy's isValidHostLabel: the SDK rejects other regions. */
const VALID_REGION = /^(?!.*-$)(?!-)[a-zA-Z0-9-]{1,63}$/;

function regionalServer(client: object, config: ConstructedConfig): Endpoint | undefined {
  const { region } = config;
  if (typeof region !== 'string' || region === '') return undefined;
  const Region = realRegion(region);
  if (!VALID_REGION.test(Region)) return undefined;
  const UseFIPS = isFipsRegion(region) || flag(config.useFipsEndpoint, 'AWS_USE_FIPS_ENDPOINT', (v) => !!v);
  const UseDualStack = flag(config.useDualstackEndpoint, 'AWS_USE_DUALSTACK_ENDPOINT', (v) => v === true);
  if (UseFIPS === undefined || UseDualStack === undefined) return undefined;
  const endpointProvider = (client as { config?: { endpointProvider?: unknown } }).config?.endpointProvider;
  if (typeof endpointProvider !== 'function') return undefined;
  // The parameters the SDK passes for Bedrock Runtime (its commonParams); the rule set is synchronous.
  const resolved = endpointProvider({ Endpoint: undefined, Region, UseFIPS, UseDualStack }) as { url?: unknown } | undefined;
  return resolved && typeof resolved === 'object' ? explicitServer({ url: resolved.url }) : undefined;
}

/**
 * Where this client's next request goes, when that is known synchronously from what it was constructed
 * with (see the header); undefined otherwise. Never throws.
 */
export function endpointAtStart(client: object): Endpoint | undefined {
  const config = constructedConfigs.get(client);
  if (!config) return undefined;
  try {
    if (config.endpoint) return explicitServer(config.endpoint);
    const fromEnv = configuredEndpoint(config);
    if (fromEnv === 'unknown') return undefined;
    if (fromEnv !== undefined) return serverOfUrl(fromEnv);
    return regionalServer(client, config);
  } catch {
    // A rule set error (e.g. FIPS in a partition without it) fails the call in the SDK itself.
    return undefined;
  }
}
