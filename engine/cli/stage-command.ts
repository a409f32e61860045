/**
 * A heatplan command for each stage, made from the stage's option table: every field becomes its long option (with
 * the unit and default in the help), the command's values go to `runStage` as data under the stage's keys, and the
 * summary comes back as one line (and as JSON with --json). Nothing here knows a stage's options by name.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliValueError, type FieldSpec } from '../stages/fields.js';
import { runStage } from '../stages/index.js';
import type { StageDef } from '../stages/types.js';

/** Commander's attribute name of a long option (`--min-kw-per-m` -> minKwPerM). */
export const attributeName = (flag: string): string => flag.replace(/^--(no-)?/, '').replace(/-([a-z0-9])/gi, (_, c: string) => c.toUpperCase());

/** The option a field stands for on the command line. */
export function fieldOption(key: string, f: FieldSpec): Option {
  const c = f.cli;
  // the key is how scenario and batch files and the API spell the option
  const help = `${f.help ?? f.expected} [${key}]`;
  const parse = (p: ((v: string) => unknown) | undefined) => (v: string) => {
    if (!p) return v;
    try {
      return p(v);
    } catch (e) {
      if (e instanceof CliValueError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
  let o: Option;
  switch (c.kind) {
    case 'switch':
      o = new Option(c.negatable ? `--no-${f.flag.slice(2)}` : f.flag, help);
      break;
    case 'variadic':
      o = new Option(`${f.flag} <${c.placeholder}>`, help);
      break;
    case 'repeat': {
      const p = parse(c.parse);
      o = new Option(`${f.flag} <${c.placeholder}>`, `${help} (repeatable)`).argParser((v: string, prev: unknown[] | undefined) => [...(prev ?? []), p(v)]);
      break;
    }
    case 'value':
      o = new Option(`${f.flag} <${c.placeholder}>`, help);
      if (c.parse) o.argParser(parse(c.parse));
      if (f.default !== undefined) o.default(f.default, Array.isArray(f.default) ? f.default.join(',') : String(f.default));
      break;
  }
  if (f.required) o.makeOptionMandatory();
  return o;
}

export interface StageCommandIo {
  /** A line for the person at the terminal (stderr). */
  info(line: string, quiet: boolean): void;
  /** The progress bar of a long stage (a no-op off a terminal). */
  progress(task: string, quiet: boolean): Promise<{ update: (done: number, total: number, label?: string) => void; stop(): void }>;
}

const defaultIo: StageCommandIo = {
  info: (line, quiet) => {
    if (!quiet) process.stderr.write(line + '\n');
  },
  progress: async (task, quiet) => (await import('../util/progress.js')).progressBar(task, { quiet }),
};

/** A stage command's parsed values (commander's attribute names) under the stage's option keys. */
export function commandOptions(def: StageDef, opts: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(def.fields) as [string, FieldSpec][]) {
    const v = opts[attributeName(f.flag)];
    if (v !== undefined) options[key] = v;
  }
  return options;
}

/** Register the command of `def` on `program`. */
export function registerStage(program: Command, def: StageDef, io: StageCommandIo = defaultIo): Command {
  const cmd = program.command(def.command).description(def.description);
  if (def.runArg === 'positional') cmd.argument('<dir>', 'run folder');
  else if (def.runArg === 'out') cmd.requiredOption('--out <dir>', 'run folder to write');
  else cmd.requiredOption('--run <dir>', def.name === 'areas' ? 'run folder (created when it does not exist and --demand-raster is given)' : 'run folder');
  for (const [key, f] of Object.entries(def.fields) as [string, FieldSpec][]) cmd.addOption(fieldOption(key, f));
  cmd.option('--json', `print the ${def.name} summary as JSON on stdout`, false);
  cmd.option('--quiet', 'no progress or messages on stderr', false);
  cmd.action(async (...args: unknown[]) => {
    const opts = cmd.opts();
    const dir = def.runArg === 'positional' ? String(args[0]) : String(def.runArg === 'out' ? opts.out : opts.run);
    const options = commandOptions(def, opts);
    const quiet = Boolean(opts.quiet);
    const bar = await io.progress(def.name, quiet);
    const flagOf = new Map((Object.entries(def.fields) as [string, FieldSpec][]).map(([k, f]) => [k, f.flag]));
    let summary: unknown;
    try {
      summary = await runStage(def.name, dir, options, {
        onProgress: bar.update,
        note: (line) => io.info(`heatplan ${def.command}: ${line}`, quiet),
        optionName: (k) => flagOf.get(k) ?? k,
      });
    } finally {
      bar.stop();
    }
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    const details = def.details?.(summary) ?? [];
    const wrote = def.runArg === 'positional' ? [] : [`wrote ${dir}`];
    io.info([`heatplan ${def.command}: ${def.line(summary, dir)}`, ...[...details, ...wrote].map((l) => `  ${l}`)].join('\n'), quiet);
  });
  return cmd;
}
