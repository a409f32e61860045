/** Helpers shared by the CLI commands: number parsing with clear errors, messages, JSON output. Light: no engine imports. */
import { InvalidArgumentError } from 'commander';

export function parsePositive(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return x;
  };
}

export function parseInteger(name: string, min: number, max: number) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer ${min}-${max}, got "${v}"`);
    return x;
  };
}

/** Print a stage summary as JSON on stdout (for --json). */
export function printJson(summary: unknown): void {
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

/** Log a line to stderr unless quiet. */
export function info(msg: string, quiet = false): void {
  if (!quiet) process.stderr.write(msg + '\n');
}
