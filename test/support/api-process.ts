/**
 * Starts the real API process (the built dist/, as `npm start` runs it) on a free port with a
 * temporary data directory, as a client would meet it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const API_MAIN = resolve(process.cwd(), 'dist/apps/api/apps/api/src/main.js');
/** What the Dockerfile preloads with `node --import`: starts tracing when OTEL_TRACES_EXPORTER is set. */
export const API_TRACING_PRELOAD = resolve(
  process.cwd(),
  'dist/apps/api/apps/api/src/observability/tracing.preload.js',
);
export const PROJECTOR_MAIN = resolve(process.cwd(), 'dist/apps/projector/apps/projector/src/main.js');

/**
 * Runs one of the built tools (rebuild, audit-verify, audit-replay, backup, restore) on a data
 * directory, without blocking this process. Never spawnSync: a suite blocked for seconds in a tool's
 * run reads none of its sockets, and reuses afterwards a keep-alive connection the API closed
 * meanwhile (it closes idle ones after 5 s), which fails as "other side closed".
 */
export function runTool(
  tool: string,
  dataDir: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [toolScript(tool), ...args], {
    env: toolEnv(dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

const toolScript = (tool: string) => resolve(process.cwd(), `dist/apps/projector/apps/projector/src/${tool}.js`);
const toolEnv = (dataDir: string, env: Record<string, string>) => ({
  PATH: process.env['PATH'] ?? '',
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  ...env,
});

export const KEYS = {
  programmeManager: 'programme-manager-dev-api-key',
  evaluator: 'evaluator-dev-api-key',
  financeOfficer: 'finance-officer-dev-api-key',
  applicantService: 'applicant-service-dev-api-key',
  auditor: 'auditor-dev-api-key',
  viewer: 'viewer-dev-api-key',
  controller: 'controller-dev-api-key',
  accountingOfficer: 'accounting-officer-dev-api-key',
} as const;

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  output(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush or close anything. */
  kill(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
}

/** Removes a data directory, and the vault keyring a development process kept beside it. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-vault-keyring.json`, { force: true });
}

export async function startApi(
  options: { dataDir?: string; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<ApiProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), API_MAIN], {
    // Anchors of the audit trail only where a test asks for them: they are events in the log. A
    // short projector lease, so that a process restarted after a kill takes over within a second.
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: dataDir,
      AUDIT_ANCHOR_INTERVAL_MS: '0',
      PROJECTOR_LEASE_MS: '1000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`The API did not start within 30 s:\n${output}`)), 30_000);
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The API exited with ${code} before listening:\n${output}`));
    });
  });
  // An exit nobody asked for is written into the output, so that a suite's failure can tell it from its own.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      output += `\n[test harness] the API exited on its own at ${new Date().toISOString()} (code ${code}, signal ${signal})\n`;
  });
  return {
    url,
    pid: child.pid!,
    dataDir,
    output: () => output,
    stop: () => {
      stopping = true;
      return stopWith(child, 'SIGTERM');
    },
    kill: () => {
      stopping = true;
      return stopWith(child, 'SIGKILL');
    },
  };
}

/** Runs the API expecting it to refuse to start; resolves with its exit code and output. */
export function startApiExpectingRefusal(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [API_MAIN], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', DATA_DIR: tempDataDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill(signal);
  });
}
