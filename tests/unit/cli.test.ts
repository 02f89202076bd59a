import { ConfigError } from '../../src/config';
import { defineCommand, runCli, UsageError } from '../../src/lib/cli';
import { ConflictError, ValidationError } from '../../src/lib/errors';

function io(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      argv,
      env,
      stdin: (async function* () {})(),
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    },
  };
}

function exampleCommand(run: (values: { year: string; name?: string; dry: boolean }) => Promise<number | void> = async () => {}) {
  const seen: unknown[] = [];
  const command = defineCommand({
    name: 'example:run',
    description: 'Does the example thing.',
    options: {
      year: { type: 'string', value: 'YEAR', required: true, help: 'the calendar year' },
      name: { type: 'string', short: 'n', help: 'who asks' },
      dry: { type: 'boolean', help: 'change nothing' },
    },
    async run({ values }) {
      seen.push({ ...values });
      return run({ ...values, dry: values.dry ?? false });
    },
  });
  return { command, seen };
}

describe('runCli', () => {
  it.each([[['--help']], [['-h']], [['--year', '2026', '--help']]])('answers %j with the usage on stdout and exit 0, running nothing', async (argv) => {
    const { command, seen } = exampleCommand();
    const { io: streams, out } = io(argv);

    expect(await runCli(command, streams)).toBe(0);
    expect(out.stdout).toBe(
      [
        'usage: npm run example:run -- --year YEAR [--name NAME] [--dry]',
        '',
        'Does the example thing.',
        '',
        'options:',
        '  --year YEAR      the calendar year',
        '  -n, --name NAME  who asks',
        '  --dry            change nothing',
        '  -h, --help       show this help',
        '',
      ].join('\n'),
    );
    expect(out.stderr).toBe('');
    expect(seen).toEqual([]);
  });

  it('hands the command its options, in either --flag value or --flag=value form', async () => {
    const { command, seen } = exampleCommand();
    expect(await runCli(command, io(['--year=2026', '-n', 'Ada', '--dry']).io)).toBe(0);
    expect(await runCli(command, io(['--year', '2025']).io)).toBe(0);
    expect(seen).toEqual([{ year: '2026', name: 'Ada', dry: true }, { year: '2025' }]);
  });

  it.each([
    [['--year', '2026', '--yaer', '2025'], "Unknown option '--yaer'"],
    [['--year'], "Option '--year <value>' argument missing"],
    [['--year', '2026', 'extra'], "Unexpected argument 'extra'"],
    [['--name', 'Ada'], '--year is required'],
    [['--year', ''], '--year is required'],
  ])('refuses %j with the problem and the usage on stderr and exit 2, running nothing', async (argv, problem) => {
    const { command, seen } = exampleCommand();
    const { io: streams, out } = io(argv);

    expect(await runCli(command, streams)).toBe(2);
    expect(out.stderr).toContain(`example:run: ${problem}`);
    expect(out.stderr).toContain('usage: npm run example:run -- --year YEAR');
    expect(out.stdout).toBe('');
    expect(seen).toEqual([]);
  });

  it('exits 2 with the usage when the command finds a value unusable', async () => {
    const { command } = exampleCommand(async () => {
      throw new UsageError('--year: give the calendar year, e.g. --year 2026');
    });
    const { io: streams, out } = io(['--year', 'soon']);
    expect(await runCli(command, streams)).toBe(2);
    expect(out.stderr).toMatch(/^example:run: --year: give the calendar year, e\.g\. --year 2026\n\nusage: /);
  });

  it('exits 1 with the list of configuration problems, and no stack', async () => {
    const { command } = exampleCommand(async () => {
      throw new ConfigError(['DATABASE_URL: required for a separate worker']);
    });
    const { io: streams, out } = io(['--year', '2026']);
    expect(await runCli(command, streams)).toBe(1);
    expect(out.stderr).toBe('Invalid configuration:\n  - DATABASE_URL: required for a separate worker\n');
  });

  it('exits 1 naming the flag of each field that failed validation', async () => {
    const { command } = exampleCommand(async () => {
      throw new ValidationError([
        { field: 'name', message: 'must not be empty' },
        { field: 'colour', message: 'unknown' },
      ]);
    });
    const { io: streams, out } = io(['--year', '2026']);
    expect(await runCli(command, streams)).toBe(1);
    expect(out.stderr).toBe('--name: must not be empty\ncolour: unknown\n');
  });

  it("exits 1 with an app error's message", async () => {
    const { command } = exampleCommand(async () => {
      throw new ConflictError('A staff account with that email already exists');
    });
    const { io: streams, out } = io(['--year', '2026']);
    expect(await runCli(command, streams)).toBe(1);
    expect(out.stderr).toBe('A staff account with that email already exists\n');
  });

  it('shows the stack of an unexpected error only when LOG_LEVEL is debug', async () => {
    const { command } = exampleCommand(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const quiet = io(['--year', '2026'], { LOG_LEVEL: 'info' });
    const debug = io(['--year', '2026'], { LOG_LEVEL: 'debug' });

    expect(await runCli(command, quiet.io)).toBe(1);
    expect(await runCli(command, debug.io)).toBe(1);
    expect(quiet.out.stderr).toBe('connect ECONNREFUSED 127.0.0.1:5432\n');
    expect(debug.out.stderr).toMatch(/^Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n\s+at /);
  });

  it('exits with the code the command resolves with', async () => {
    const { command } = exampleCommand(async () => 3);
    expect(await runCli(command, io(['--year', '2026']).io)).toBe(3);
  });
});
