/**
 * The markdown report of bench/embed.ts, and where --write puts it in
 * docs/PERFORMANCE.md. Each route's share is against its bare handler in the
 * same round.
 */
import fs from 'node:fs';
import os from 'node:os';
import type autocannon from 'autocannon';
import { QUIET_BUSY_PCT } from './app-process';
import type { EmbedScenario } from './embed-scenarios';

const TARGET_PCT = 85;
export const SECTION = '## Article embed (issue 9)';

export interface Measurement {
  scenario: EmbedScenario;
  round: number;
  result: autocannon.Result;
  unexpected: number;
  /** % of one core during the measured seconds. */
  cpu: { server: number | null; bench: number; other: number | null };
  /** Server CPU per answered request, µs: unlike req/s, barely moved by who else uses the machine. */
  cpuPerRequestUs: number | null;
}

export const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)}%`);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const range = (values: number[], digits = 0) =>
  values.length < 2 ? '' : ` (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

export function report(input: {
  started: Date;
  mode: string;
  flags: { rounds: number; duration: number; connections: number; warmup: number };
  busyBefore: number | null;
  loadAtStart: number[];
  code: string;
  checks: string[];
  measurements: Measurement[];
  loader: { raw: number; gzipped: number };
  memory: { appPeakKb: number | null; timePeakKb: number | null; barePeakKb: number | null };
}): string {
  const { flags, measurements } = input;
  const cpus = os.cpus();
  const lines = [`#### ${input.started.toISOString().slice(0, 16).replace('T', ' ')} UTC — article embed vs bare Express, ${input.mode}`, ''];
  lines.push(
    `- Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (autocannon, the app and the bare app all on it), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, ` +
      `kernel ${os.release()}, Node ${process.version}; before the load ${input.busyBefore === null ? 'n/a' : `${input.busyBefore.toFixed(0)}%`} of all cores busy ` +
      `(3 s sample), load average ${input.loadAtStart.map((l) => l.toFixed(2)).join(' ')}` +
      (input.busyBefore !== null && input.busyBefore >= QUIET_BUSY_PCT ? ' — **not quiet: other processes competed for the CPU**' : ''),
    `- Code: ${input.code}`,
    `- Command: \`npm run bench:embed${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    `- ${flags.rounds} round(s) × 6 scenarios, alternating; each ${flags.duration} s at ${flags.connections} connections after ${flags.warmup} s unrecorded warm-up`,
    `- Loader (\`buildLoaderAsset\`): ${input.loader.raw} bytes minified, **${input.loader.gzipped} bytes gzipped**`,
    '',
    `| route | req/s, mean${flags.rounds > 1 ? ' (min–max over rounds)' : ''} | % of its bare handler | p50 ms | p99 ms | non-2xx (expected) | unexpected status / errors / body mismatches | server CPU | server CPU µs per request | autocannon / other CPU |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const names = [...new Set(measurements.map((m) => m.scenario.name))];
  for (const name of names) {
    const rows = measurements.filter((m) => m.scenario.name === name);
    const scenario = rows[0]!.scenario;
    const rps = rows.map((m) => m.result.requests.average);
    // The ratio per round, against the bare handler measured in the same round.
    const ratios = scenario.reference
      ? rows.map((m) => {
          const bare = measurements.find((b) => b.round === m.round && b.scenario.key === scenario.reference)!;
          return (m.result.requests.average / bare.result.requests.average) * 100;
        })
      : [];
    const share = ratios.length === 0 ? 'reference' : `${mean(ratios).toFixed(0)}%${range(ratios)}${mean(ratios) < TARGET_PCT ? ' **below target**' : ''}`;
    const sum = (f: (m: Measurement) => number) => rows.reduce((total, m) => total + f(m), 0);
    const perReq = rows.map((m) => m.cpuPerRequestUs).filter((v): v is number => v !== null);
    const cpuOf = (f: (m: Measurement) => number | null) => {
      const values = rows.map(f).filter((v): v is number => v !== null);
      return values.length === 0 ? 'n/a' : `${mean(values).toFixed(0)}%`;
    };
    lines.push(
      `| ${name} | ${mean(rps).toFixed(0)}${range(rps)} | ${share} | ${mean(rows.map((m) => m.result.latency.p50)).toFixed(0)} | ` +
        `${mean(rows.map((m) => m.result.latency.p99)).toFixed(0)} | ${sum((m) => m.result.non2xx)}${scenario.status === 200 ? '' : ` (${scenario.status})`} | ` +
        `${sum((m) => m.unexpected)} / ${sum((m) => m.result.errors + m.result.timeouts)} / ${sum((m) => m.result.mismatches)} | ${cpuOf((m) => m.cpu.server)} | ` +
        `${perReq.length === 0 ? 'n/a' : `${mean(perReq).toFixed(0)}${range(perReq)}`} | ${cpuOf((m) => m.cpu.bench)} / ${cpuOf((m) => m.cpu.other)} |`,
    );
  }
  const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
  lines.push(
    '',
    `Peak RSS: app ${mb(input.memory.timePeakKb)} (\`/usr/bin/time -v\`; VmHWM ${mb(input.memory.appPeakKb)}), bare Express ${mb(input.memory.barePeakKb)} (VmHWM).`,
    '',
    'Checks before the load (one request each):',
    '',
    ...input.checks.map((c) => `- ${c}`),
    '',
  );
  return lines.join('\n');
}

/** Puts the run at the end of the embed section (made before "## Runs" when missing), so the main bench's runs stay last. */
export function writeToDoc(doc: string, text: string): void {
  const current = fs.readFileSync(doc, 'utf8');
  const at = current.indexOf(`\n${SECTION}\n`);
  if (at === -1) {
    const runs = current.indexOf('\n## Runs\n');
    const section = `\n${SECTION}\n\n${text}`;
    fs.writeFileSync(doc, runs === -1 ? `${current}${section}` : `${current.slice(0, runs)}${section}${current.slice(runs)}`);
    return;
  }
  const next = current.indexOf('\n## ', at + SECTION.length + 1);
  const end = next === -1 ? current.length : next;
  fs.writeFileSync(doc, `${current.slice(0, end).trimEnd()}\n\n${text}${current.slice(end)}`);
}
