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

/** Code without comments: a comment may name a table or a status freely. */
function code(file: string): string {
  return fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function tablesFromMigrations(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles('migrations')) {
    for (const match of code(file).matchAll(/createTable\('([a-z_]+)'/g)) names.add(match[1]!);
  }
  return [...names];
}

const appFiles = sourceFiles('src');

describe('where things go', () => {
  it('finds the application source and the tables it checks for', () => {
    expect(appFiles.length).toBeGreaterThan(50);
    expect(tablesFromMigrations()).toEqual(expect.arrayContaining(['donations', 'memberships', 'donors', 'audit_log']));
  });

  it('names tables only in *-queries.ts files (and migrations and the status modules)', () => {
    const tables = tablesFromMigrations().join('|');
    const knexCall = new RegExp(`\\b(?:\\w+|\\))\\s*(?:<[^>()]*>)?\\(\\s*['"\`](?:${tables})(?:\\s+as\\s+\\w+)?['"\`]`, 'g');
    const sqlText = new RegExp(`\\b(?:from|join|into|update|table|truncate)\\s+"?(?:${tables})\\b`, 'gi');
    const offenders = appFiles
      .filter((file) => !file.endsWith('-queries.ts') && !STATUS_MODULES.includes(file))
      .map((file) => ({ file, uses: [...code(file).matchAll(knexCall), ...code(file).matchAll(sqlText)].map((m) => m[0]) }))
      .filter((found) => found.uses.length > 0);
    expect(offenders).toEqual([]);
  });

  it('defines status sets and status SQL only in the two status modules', () => {
    const statuses = [...new Set<string>([...DONATION_STATUSES, ...MEMBERSHIP_STATUSES])].join('|');
    const literal = `'(?:${statuses})'`;
    // Two statuses in one list (an array or a Set) make a status set.
    const statusList = new RegExp(`[[(]\\s*${literal}\\s*,\\s*${literal}`, 'g');
    // A status inside SQL text: quoted within a double-quoted or template string.
    const statusInSql = new RegExp(`["\`][^"\`\\n]*\\b(?:status|in|any)\\b[^"\`\\n]*${literal}[^"\`\\n]*["\`]`, 'g');
    const offenders = appFiles
      .filter((file) => !STATUS_MODULES.includes(file))
      .map((file) => ({ file, uses: [...code(file).matchAll(statusList), ...code(file).matchAll(statusInSql)].map((m) => m[0]) }))
      .filter((found) => found.uses.length > 0);
    expect(offenders).toEqual([]);
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
