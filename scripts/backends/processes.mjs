// Starts and stops the e2e backends on loopback: Jaeger v2 and the collector. Each start checks its ports
// first (a clear error, not a hang, when one is taken), waits for readiness with a deadline, and returns a
// handle that stops the process by PID. Output goes to a log file whose tail is quoted in any error.
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
  return {
    name,
    pid: child.pid,
    logFile,
    /** SIGTERM (graceful: the collector persists its queue), SIGKILL after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Jaeger v2 with badger storage in `dataDir` (kept across restarts). */
export function startJaeger({ dataDir, logDir }) {
  return startProcess({
    name: 'jaeger',
    bin: p.JAEGER_BIN,
    args: ['--config', p.JAEGER_E2E_CONFIG],
    env: {
      JAEGER_DATA_DIR: dataDir,
      JAEGER_QUERY_HTTP: `127.0.0.1:${PORTS.jaegerQuery}`,
      JAEGER_QUERY_GRPC: `127.0.0.1:${PORTS.jaegerQueryGrpc}`,
      JAEGER_OTLP_GRPC: `127.0.0.1:${PORTS.jaegerOtlpGrpc}`,
      JAEGER_OTLP_HTTP: `127.0.0.1:${PORTS.jaegerOtlpHttp}`,
    },
    ports: [
      [PORTS.jaegerQuery, 'query HTTP'],
      [PORTS.jaegerQueryGrpc, 'query gRPC'],
      [PORTS.jaegerOtlpGrpc, 'OTLP gRPC'],
      [PORTS.jaegerOtlpHttp, 'OTLP HTTP'],
    ],
    readyUrl: `http://127.0.0.1:${PORTS.jaegerQuery}/api/services`,
    logDir,
  });
}

/** The collector running one of the shipped configs in collector-config/, on the e2e loopback ports. */
export function startCollector({ config, env = {}, logDir }) {
  return startProcess({
    name: 'collector',
    bin: p.COLLECTOR_BIN,
    args: [`--config=${config}`],
    env: {
      OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${PORTS.collectorOtlpGrpc}`,
      OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${PORTS.collectorOtlpHttp}`,
      OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${PORTS.collectorHealth}`,
      ...env,
    },
    ports: [
      [PORTS.collectorOtlpGrpc, 'OTLP gRPC'],
      [PORTS.collectorOtlpHttp, 'OTLP HTTP'],
      [PORTS.collectorHealth, 'health check'],
    ],
    readyUrl: `http://127.0.0.1:${PORTS.collectorHealth}/`,
    logDir,
  });
}
