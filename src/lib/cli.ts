import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { ConfigError, loadConfig, type Config } from '../config';
import { withCliDatabase } from '../db/cli-database';
import { migrateToLatest } from '../db/knex';
import { AppError, ValidationError } from './errors';

/**
 * The one runner for `npm run <command>` entry points: parsing, --help, exit
 * codes and error messages mean the same in every command. Exit codes: 0 done,
 * 1 the command failed (bad configuration or data, refused by the database),
 * 2 the command line itself was wrong (as with most Unix tools).
 */

export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder for a string option's value in the usage line, e.g. `YEAR` in `--year YEAR`. */
  value?: string;
  required?: boolean;
  help: string;
}

type CliValues<O extends Record<string, CliOption>> = {
  [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { required: true } ? string : string | undefined;
};

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdin: AsyncIterable<string | Buffer>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface CliContext<O extends Record<string, CliOption>> extends Pick<CliIo, 'env' | 'stdin' | 'stdout'> {
  values: CliValues<O>;
  /** Read from the environment once, on first use. */
  config(): Config;
  /** DATABASE_URL or the embedded database for the command's work, closed after it; migrated first unless told not to. */
  withDatabase<T>(work: (db: Knex) => Promise<T>, options?: { migrate?: boolean }): Promise<T>;
}

export interface CliCommand<O extends Record<string, CliOption>> {
  /** The npm script, e.g. `receipts:year-end`. */
  name: string;
  description: string;
  options: O;
  /** Resolves with the exit code, or nothing for success. */
  run(context: CliContext<O>): Promise<number | void>;
}

/** The command line is wrong: exit 2 with the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Keeps the option types literal (`type: 'string'`) so `values` is typed per option. */
export function defineCommand<const O extends Record<string, CliOption>>(command: CliCommand<O>): CliCommand<O> {
  return command;
}

export function usage(command: CliCommand<Record<string, CliOption>>): string {
  const entries = Object.entries(command.options);
  const flag = (name: string, option: CliOption) => `--${name}${option.type === 'string' ? ` ${option.value ?? name.toUpperCase()}` : ''}`;
  const synopsis = entries.map(([name, option]) => (option.required ? flag(name, option) : `[${flag(name, option)}]`));
  const rows = [
    ...entries.map(([name, option]) => [`${option.short ? `-${option.short}, ` : ''}${flag(name, option)}`, option.help]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left!.length));
  return [
    `usage: npm run ${command.name}${synopsis.length > 0 ? ` -- ${synopsis.join(' ')}` : ''}`,
    '',
    command.description,
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`),
    '',
  ].join('\n');
}

/** Runs the command and resolves with its exit code; never throws, never exits the process. */
export async function runCli<O extends Record<string, CliOption>>(command: CliCommand<O>, io: CliIo): Promise<number> {
  const text = usage(command as unknown as CliCommand<Record<string, CliOption>>);
  try {
    const values = parseCommandLine(command, io.argv);
    if (values === 'help') {
      io.stdout.write(text);
      return 0;
    }
    let config: Config | undefined;
    const context: CliContext<O> = {
      values,
      env: io.env,
      stdin: io.stdin,
      stdout: io.stdout,
      config: () => (config ??= loadConfig(io.env)),
      withDatabase: (work, options) =>
        withCliDatabase(context.config(), async (db) => {
          if (options?.migrate ?? true) await migrateToLatest(db);
          return work(db);
        }),
    };
    return (await command.run(context)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${command.name}: ${error.message}\n\n${text}`);
      return 2;
    }
    io.stderr.write(`${describeFailure(error, command.options, io.env)}\n`);
    return 1;
  }
}

/** For the entry point itself: sets the exit code and lets the process end once its work has. */
export function runCliAsMain<O extends Record<string, CliOption>>(command: CliCommand<O>): void {
  const io: CliIo = { argv: process.argv.slice(2), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  void runCli(command, io).then((code) => {
    process.exitCode = code;
  });
}

function parseCommandLine<O extends Record<string, CliOption>>(command: CliCommand<O>, argv: string[]): CliValues<O> | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(command.options)) {
    // parseArgs rejects `short: undefined`: the key must be absent.
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    // parseArgs explains itself: "Unknown option '--yaer'", "Option '--year <value>' argument missing".
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const missing = Object.entries(command.options).filter(([name, option]) => option.required && (values[name] === undefined || values[name] === ''));
  if (missing.length > 0) throw new UsageError(missing.map(([name]) => `--${name} is required`).join('; '));
  delete values.help;
  return values as CliValues<O>;
}

/** One message for the operator; a stack only for an unexpected error when they asked for debug output. */
function describeFailure(error: unknown, options: Record<string, CliOption>, env: NodeJS.ProcessEnv): string {
  if (error instanceof ValidationError) {
    return error.fields.map((f) => `${f.field in options ? `--${f.field}` : f.field}: ${f.message}`).join('\n');
  }
  if (error instanceof ConfigError || error instanceof AppError) return error.message;
  const verbose = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  if (error instanceof Error) return verbose && error.stack ? error.stack : error.message;
  return String(error);
}
