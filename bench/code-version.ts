import { execFileSync } from 'node:child_process';
import { ROOT } from './app-process';

/**
 * The code a benchmark measured: the short commit, plus how many files under
 * `paths` had uncommitted changes (a figure taken on a dirty tree says so).
 */
export function codeVersion(paths: readonly string[] = ['src', 'views', 'migrations', 'package.json']): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', ...paths], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} uncommitted change(s) in ${paths.map((p) => (p.includes('.') ? p : `${p}/`)).join(' ')}` : head;
  } catch {
    return 'unknown (no git)';
  }
}
