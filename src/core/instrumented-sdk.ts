/*
 * What a provider instrumentation instruments, declared once by its class (its static `sdk`): the base
 * class (./genai-instrumentation.ts) names the instrumentation after it, hooks the module, and watches
 * for an unpatched copy with its request signature.
 */
import type { SdkRequestSignature } from './unpatched-sdk';

export interface InstrumentedSdk {
  /** The instrumentation's name after `opentelemetry-instrumentation-genai/` (its provider folder's name). */
  readonly name: string;
  /** The npm package whose copies the module hook patches as they load. */
  readonly module: string;
  /** The versions of `module` this instrumentation supports (semver ranges). */
  readonly supportedVersions: string[];
  /**
   * How the calls it records look on the wire (method, paths, the SDK's own headers), so that a copy of
   * the SDK that was loaded but never patched is reported once (./unpatched-sdk.ts); absent: not watched.
   */
  readonly requestSignature?: SdkRequestSignature;
  /**
   * Re-patch every hooked copy on enable(), for SDKs that ship one bundle per module system (the hook's
   * own bookkeeping keeps only the last copy it saw).
   */
  readonly rememberEveryCopy?: boolean;
}
