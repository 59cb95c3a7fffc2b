/** Human and machine summaries of a refresh (the CLI prints them). */
import { EXIT, type RefreshError } from './errors.ts';
import type { RefreshSummary, SpeciesReport } from './refresh.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function ratio(report: Pick<SpeciesReport, 'bytes' | 'json_bytes'>): string {
  return report.bytes ? `${(report.json_bytes / report.bytes).toFixed(1)}x` : '-';
}

/** The final table: species, labels, rows, skipped, core source, bytes, ratio to JSON; totals last. */
export function summaryTable(summary: RefreshSummary): string {
  const header = ['species', 'labels', 'rows', 'skipped', 'core data', 'bytes', 'uploaded', 'json bytes', 'ratio'];
  const line = (r: SpeciesReport) => [
    r.species,
    formatCount(r.labels),
    formatCount(r.rows),
    r.skipped === null ? '-' : formatCount(r.skipped),
    r.core ?? '-',
    formatCount(r.bytes),
    formatCount(r.uploaded_bytes),
    formatCount(r.json_bytes),
    ratio(r),
  ];
  const t = summary.totals;
  const body = summary.species.map(line);
  const foot = [
    `total (${t.species} species)`,
    formatCount(t.labels),
    formatCount(t.rows),
    formatCount(t.skipped),
    `${t.with_core} with core`,
    formatCount(t.bytes),
    formatCount(t.uploaded_bytes),
    formatCount(t.json_bytes),
    ratio(t),
  ];
  const rows = [header, ...body, foot];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(header), rule, ...body.map(fmt), rule, fmt(foot)].join('\n');
}

export function summaryLines(summary: RefreshSummary): string[] {
  const t = summary.totals;
  const lines: string[] = [];
  const src = summary.source.kind === 'mysql' ? `${summary.source.database} (release ${summary.source.release ?? 'unknown'})` : 'TSV';
  if (summary.dryRun) {
    lines.push(`dry run: ${t.species} species, ${formatCount(t.labels)} labels from ${src} would make ${formatBytes(t.bytes)}; nothing published`);
  } else {
    lines.push(`published ${summary.version} to ${summary.store}: ${t.species} species, ${formatCount(t.labels)} labels, ${formatBytes(t.bytes)} from ${src}`);
  }
  lines.push(`core data: ${t.with_core} species with synonyms and biotypes, ${t.species - t.with_core} with labels only; uploaded ${formatBytes(t.uploaded_bytes)}`);
  lines.push(`${t.reused} species unchanged (published as they were); ${formatCount(t.rows_read)} of ${formatCount(t.rows)} rows read`);
  if (summary.guard.before) {
    const b = summary.guard.before;
    lines.push(`guard: ${b.species} -> ${t.species} species, ${formatCount(b.labels)} -> ${formatCount(t.labels)} labels (max shrink ${summary.guard.maxShrink * 100} %)${summary.forced ? ', refused but forced' : ''}`);
  }
  if (summary.pruned) lines.push(`pruned ${summary.pruned.deleted.length} version(s) (${summary.pruned.objects} objects); kept ${summary.pruned.kept.join(', ')}`);
  lines.push(`done in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  return lines;
}

export function jsonSummary(summary: RefreshSummary): unknown {
  return {
    ok: true,
    exit_code: EXIT.OK,
    dry_run: summary.dryRun,
    version: summary.dryRun ? null : summary.version,
    previous: summary.previous,
    store: summary.store,
    source: summary.source,
    pointer: summary.pointer,
    totals: summary.totals,
    species: summary.species,
    guard: { ok: summary.guard.ok, forced: summary.forced, max_shrink: summary.guard.maxShrink, before: summary.guard.before, after: summary.guard.after, reasons: summary.guard.reasons },
    pruned: summary.pruned,
    warnings: summary.warnings,
    elapsed_ms: summary.elapsedMs,
  };
}

export function jsonError(error: RefreshError): unknown {
  return { ok: false, exit_code: error.exitCode, error: { kind: error.kind, message: error.message } };
}
