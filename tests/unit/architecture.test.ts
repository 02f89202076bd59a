import fs from 'node:fs';
import path from 'node:path';
import { DONATION_STATUSES } from '../../src/giving/donation-status';
import { MEMBERSHIP_STATUSES } from '../../src/members/membership-status';

/**
 * Rules of where things go (src/README.md), checked on the source text so
 * they stay true as the code grows. Each rule names the files that break it.
 */
const ROOT = path.resolve(__dirname, '../..');
const STATUS_MODULES = ['src/giving/donation-status.ts', 'src/members/membership-status.ts'];

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/**
 * Code without comments: a comment may name a table or a status freely.
 * Strings are skipped whole, so `'/account{/*rest}'` or `'a//b'` starts no comment.
 */
export function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The text of every double-quoted and template string in some code: where SQL is written. */
function sqlCandidates(source: string): string[] {
  return [...source.matchAll(/"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`|'(?:[^'\\\n]|\\.)*'/g)].map((m) => m[1] ?? m[2] ?? '');
}

function code(file: string): string {
  return withoutComments(fs.readFileSync(path.join(ROOT, file), 'utf8'));
}

function tablesFromMigrations(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles('migrations')) {
    for (const match of code(file).matchAll(/createTable\('([a-z_]+)'/g)) names.add(match[1]!);
  }
  return [...names];
}

const appFiles = sourceFiles('src');

const TABLES = tablesFromMigrations().join('|');
const KNEX_CALL = new RegExp(`\\b(?:\\w+|\\))\\s*(?:<[^>()]*>)?\\(\\s*['"\`](?:public\\.)?(?:${TABLES})(?:\\s+as\\s+\\w+)?['"\`]`, 'gi');
/** db({ d: 'donations' }): knex's aliasing by object. */
const ALIAS_OBJECT = new RegExp(`\\(\\s*\\{\\s*\\w+:\\s*['"\`](?:${TABLES})['"\`]\\s*\\}`, 'gi');
const SQL_TABLE = new RegExp(`\\b(?:from|join|into|update|table|truncate)\\s+"?(?:public\\.)?(?:${TABLES})\\b`, 'gi');

/** Where some code names a table: a knex call on it, or SQL text naming it. */
function tableUses(source: string): string[] {
  return [KNEX_CALL, ALIAS_OBJECT, SQL_TABLE].flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[0]));
}

const STATUS = `'(?:${[...new Set<string>([...DONATION_STATUSES, ...MEMBERSHIP_STATUSES])].join('|')})'`;
/** A list holding a status (an array or a Set, of one or more, spread or not) is a status set. */
const STATUS_LIST = new RegExp(`(?:\\[|\\[\\.\\.\\.\\w+,|\\(\\[)\\s*${STATUS}\\s*[,\\]]|,\\s*${STATUS}\\s*\\]`, 'g');
/** A knex condition on a status column with a literal: .where('m.status', 'canceled'), whereNot(...), orWhere(...). */
const STATUS_CONDITION = new RegExp(`\\.(?:or)?[wW]here(?:Not)?\\(\\s*'(?:\\w+\\.)?status'\\s*,\\s*(?:'[=<>!]+'\\s*,\\s*)?${STATUS}`, 'g');
/** A status quoted inside SQL text, on any line of it. */
const STATUS_IN_SQL = new RegExp(`\\b(?:status|in|any)\\b[\\s\\S]*${STATUS}`);

function statusUses(source: string): string[] {
  return [
    ...[STATUS_LIST, STATUS_CONDITION].flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[0])),
    ...sqlCandidates(source).filter((text) => STATUS_IN_SQL.test(text)),
  ];
}

describe('where things go', () => {
  it('finds the application source and the tables it checks for', () => {
    expect(appFiles.length).toBeGreaterThan(50);
    expect(tablesFromMigrations()).toEqual(expect.arrayContaining(['donations', 'memberships', 'donors', 'audit_log']));
  });

  it('names tables only in *-queries.ts files (and migrations and the status modules)', () => {
    const offenders = appFiles
      .filter((file) => !file.endsWith('-queries.ts') && !STATUS_MODULES.includes(file))
      .map((file) => ({ file, uses: tableUses(code(file)) }))
      .filter((found) => found.uses.length > 0);
    expect(offenders).toEqual([]);
  });

  it('defines status sets and status SQL only in the two status modules', () => {
    const offenders = appFiles
      .filter((file) => !STATUS_MODULES.includes(file))
      .map((file) => ({ file, uses: statusUses(code(file)) }))
      .filter((found) => found.uses.length > 0);
    expect(offenders).toEqual([]);
  });

  it.each([
    ["db('donations as d')"],
    ["trx<DonationRow>('donations')"],
    ["db('Donations AS d')"],
    ["db({ d: 'donations' })"],
    ["q.from('memberships as m')"],
    ["leftJoin('receipts as r', 'r.id', 'x')"],
    ['db.raw(`select 1\n  from\n  stripe_events where id = ?`)'],
    ["db.raw('insert into rate_limits (key) values (?)')"],
  ])('sees a table named in %s', (sample) => {
    expect(tableUses(withoutComments(sample))).not.toEqual([]);
  });

  it.each([
    ["whereIn('status', ['failed'])"],
    ["const LIVE = new Set(['active', 'trialing'])"],
    ["[...STARTED, 'incomplete']"],
    ["q.where('m.status', 'canceled')"],
    ["q.whereNot('status', 'pending')"],
    ['db.raw("count(*) filter (where status in (\'active\', \'trialing\'))")'],
    ['db.raw(`count(*) filter (where status =\n  \'past_due\')`)'],
  ])('sees a status set or status SQL in %s', (sample) => {
    expect(statusUses(withoutComments(sample))).not.toEqual([]);
  });

  it.each([
    ["// db('donations') in a comment"],
    ["router.post('/account{/*rest}', check); // and then"],
    ["const label = 'donations'; status === 'failed'"],
    ["db.raw('count(*) filter (where status = any(?))', [[...PAYING]])"],
  ])('passes code that names no table or status set: %s', (sample) => {
    expect([...tableUses(withoutComments(sample)), ...statusUses(withoutComments(sample))]).toEqual([]);
  });

  it('keeps every source file under 300 lines', () => {
    const files = [...appFiles, ...sourceFiles('packages')];
    const long = files
      .map((file) => ({ file, lines: fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').length }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });

  it('maps Stripe errors in one place', () => {
    const offenders = appFiles
      .filter((file) => file !== 'src/stripe/call-stripe.ts')
      .filter((file) => /Stripe\.errors\.Stripe(?!SignatureVerificationError)\w*/.test(code(file)));
    expect(offenders).toEqual([]);
  });

  it('validates ids with zod and requests with validate(), not regular expressions or safeParse in routes', () => {
    const uuidRegex = appFiles.filter((file) => /\[0-9a-f\]\{8\}-/i.test(code(file)));
    const routesParsing = appFiles.filter((file) => file.endsWith('routes.ts') && /\.safeParse\(/.test(code(file)));
    expect({ uuidRegex, routesParsing }).toEqual({ uuidRegex: [], routesParsing: [] });
  });
});
