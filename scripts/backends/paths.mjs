// Where the e2e backends' inputs (checked in) and builds (cached, ignored by git) live.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const INPUTS = join(ROOT, 'test/e2e/backends');
export const CACHE = join(ROOT, '.cache/backends');

export const BUILDER_VERSION = 'v0.161.0';
export const JAEGER_VERSION = 'v1.76.0'; // the Jaeger v2 binary; see test/e2e/backends/jaeger-tool/go.mod

export const COLLECTOR_MANIFEST = join(INPUTS, 'otelcol-builder.yaml');
export const JAEGER_TOOL_DIR = join(INPUTS, 'jaeger-tool');
export const JAEGER_E2E_CONFIG = join(INPUTS, 'jaeger-e2e.yaml');

export const BUILDER_BIN = join(CACHE, 'bin/builder');
export const COLLECTOR_BIN = join(CACHE, 'otelcol-genai/otelcol-genai');
export const JAEGER_BIN = join(CACHE, 'bin/jaeger');
export const BUILD_STAMP = join(CACHE, 'build-stamp.json');
