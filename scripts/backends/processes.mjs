// Starts and stops the e2e backends on loopback: Jaeger v2 and collectors. Each start checks its ports
// first (a clear error, not a hang, when one is taken), waits for readiness with a deadline, and returns a
// handle that stops the process by PID. Output goes to a log file (`<name>.log`) whose tail is quoted in any
// error. By default they use the fixed PORTS below; pass `name` and `ports` to run several side by side.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as p from './paths.mjs';

/** Loopback ports of the e2e set-up (not the defaults, so a collector or Jaeger already running is not hit). */
export const PORTS = {
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  jaegerOtlpGrpc: 14317,
  jaegerOtlpHttp: 14318,
  collectorOtlpGrpc: 24317,
  collectorOtlpHttp: 24318,
  collectorHealth: 23133,
};

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; a later bind may still race). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free loopback ports. */
export async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export async function assertPortFree(port, what) {
  await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port 127.0.0.1:${port} (${what}) is already in use; stop what listens there (e.g. \`ss -ltnp | grep ${port}\`) and retry`
            : `cannot listen on 127.0.0.1:${port} (${what}): ${error.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(resolve));
  });
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntilReady(name, url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during start-up (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`);
}

async function startProcess({ name, bin, args, env, ports, readyUrl, logDir, timeoutMs = 30_000 }) {
  for (const [port, what] of ports) await assertPortFree(port, `${name} ${what}`);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.on('error', () => {}); // reported through exitCode / readiness below
  await waitUntilReady(name, readyUrl, child, logFile, timeoutMs);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    pid: child.pid,
    logFile,
    /** False once the process has exited (stopped, killed or crashed). */
    running: () => !exited(),
    /** SIGTERM (graceful: the collector persists its queue), SIGKILL after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (exited()) return;
      const exit = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
    /** SIGKILL: a crash, no shutdown at all (nothing flushed, nothing closed). */
    async kill() {
      if (exited()) return;
      const exit = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGKILL');
      await exit;
    },
  };
}

/**
 * Jaeger v2 with badger storage in `dataDir` (kept across restarts). `ports` (query, queryGrpc, otlpGrpc,
 * otlpHttp) default to PORTS. The handle has `queryUrl` (for scripts/backends/jaeger-query.mjs) and
 * `otlpHttpUrl`.
 */
export async function startJaeger({ dataDir, logDir, name = 'jaeger', ports = {} }) {
  const port = {
    query: PORTS.jaegerQuery,
    queryGrpc: PORTS.jaegerQueryGrpc,
    otlpGrpc: PORTS.jaegerOtlpGrpc,
    otlpHttp: PORTS.jaegerOtlpHttp,
    ...ports,
  };
  const handle = await startProcess({
    name,
    bin: p.JAEGER_BIN,
    args: ['--config', p.JAEGER_E2E_CONFIG],
    env: {
      JAEGER_DATA_DIR: dataDir,
      JAEGER_QUERY_HTTP: `127.0.0.1:${port.query}`,
      JAEGER_QUERY_GRPC: `127.0.0.1:${port.queryGrpc}`,
      JAEGER_OTLP_GRPC: `127.0.0.1:${port.otlpGrpc}`,
      JAEGER_OTLP_HTTP: `127.0.0.1:${port.otlpHttp}`,
    },
    ports: [
      [port.query, 'query HTTP'],
      [port.queryGrpc, 'query gRPC'],
      [port.otlpGrpc, 'OTLP gRPC'],
      [port.otlpHttp, 'OTLP HTTP'],
    ],
    readyUrl: `http://127.0.0.1:${port.query}/api/services`,
    logDir,
  });
  return { ...handle, ports: port, queryUrl: `http://127.0.0.1:${port.query}`, otlpHttpUrl: `http://127.0.0.1:${port.otlpHttp}` };
}

/**
 * A collector running one of the shipped configs in collector-config/ (`config`: a path, or a list of them
 * and `yaml:` overrides, merged in order by the collector), with its receivers and health check on loopback.
 * `ports` (otlpGrpc, otlpHttp, health) default to PORTS; `name` names the log file. The handle has `ports`,
 * `otlpHttpUrl` (for OTEL_EXPORTER_OTLP_ENDPOINT) and `otlpGrpcEndpoint` (host:port).
 */
export async function startCollector({ config, env = {}, logDir, name = 'collector', ports = {} }) {
  const port = { otlpGrpc: PORTS.collectorOtlpGrpc, otlpHttp: PORTS.collectorOtlpHttp, health: PORTS.collectorHealth, ...ports };
  const handle = await startProcess({
    name,
    bin: p.COLLECTOR_BIN,
    args: [config].flat().map((c) => `--config=${c}`),
    env: {
      OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${port.otlpGrpc}`,
      OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port.otlpHttp}`,
      OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${port.health}`,
      ...env,
    },
    ports: [
      [port.otlpGrpc, 'OTLP gRPC'],
      [port.otlpHttp, 'OTLP HTTP'],
      [port.health, 'health check'],
    ],
    readyUrl: `http://127.0.0.1:${port.health}/`,
    logDir,
  });
  return { ...handle, ports: port, otlpHttpUrl: `http://127.0.0.1:${port.otlpHttp}`, otlpGrpcEndpoint: `127.0.0.1:${port.otlpGrpc}` };
}
