import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export type Environment = 'development' | 'test' | 'production';

/**
 * The environment as the configuration reads it: each reader checks one setting and, when it is
 * wrong, records a problem that names the setting and keeps going, so that every problem is
 * reported at once (loadConfig refuses to start on any).
 */
export class Settings {
  readonly problems: string[] = [];
  readonly environment: Environment;

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    readonly cwd: string,
    /** False for the command-line tools: what only a serving API needs is not required of them. */
    readonly serveApi: boolean,
  ) {
    const raw = this.text('NODE_ENV') ?? 'development';
    const found = (['development', 'test', 'production'] as const).find((e) => e === raw);
    if (!found) this.problems.push(`NODE_ENV must be development, test or production, got ${JSON.stringify(raw)}`);
    this.environment = found ?? 'development';
  }

  get production(): boolean {
    return this.environment === 'production';
  }

  /** A setting required of a serving API in production. */
  get productionApi(): boolean {
    return this.serveApi && this.production;
  }

  text(name: string): string | null {
    const value = this.env[name]?.trim();
    return value ? value : null;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.text(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  url(name: string, schemes: readonly string[]): string | null {
    const raw = this.text(name);
    if (raw === null) return null;
    if (!schemes.some((scheme) => raw.startsWith(`${scheme}://`))) {
      this.problems.push(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}`);
      return null;
    }
    return raw;
  }

  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const raw = this.text(name);
    if (raw === null) return fallback;
    const found = options.find((o) => o === raw);
    if (!found) this.problems.push(`${name} must be one of ${options.join(', ')}, got ${JSON.stringify(raw)}`);
    return found ?? fallback;
  }

  flag(name: string, fallback: boolean): boolean {
    const raw = this.text(name);
    if (raw === null) return fallback;
    if (raw !== 'true' && raw !== 'false')
      this.problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
    return raw === 'true';
  }

  /** A path, resolved against the working directory. */
  path(raw: string): string {
    return isAbsolute(raw) ? raw : resolve(this.cwd, raw);
  }

  /** A secret given inline (NAME) or in a file (NAME_FILE). */
  secret(name: string, what: string): string | null {
    const inline = this.text(name);
    const file = this.text(`${name}_FILE`);
    if (inline !== null || file === null) return inline;
    try {
      return readFileSync(this.path(file), 'utf8').trim();
    } catch {
      this.problems.push(`${name}_FILE ${JSON.stringify(file)} cannot be read (${what})`);
      return null;
    }
  }
}
