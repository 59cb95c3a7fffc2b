/**
 * The shrink guard: a half-empty dump must never replace a good snapshot. A new snapshot is
 * refused when its species count or its total labels fall by more than `maxShrink` (a
 * fraction, 0.1 = 10 %) against the current one.
 */
import type { Manifest } from '../format.ts';

export interface SnapshotTotals {
  species: number;
  labels: number;
}

export interface GuardVerdict {
  ok: boolean;
  maxShrink: number;
  before: SnapshotTotals | null;
  after: SnapshotTotals;
  /** One line per measure that shrank too much. */
  reasons: string[];
}

export function totalsOf(manifest: Pick<Manifest, 'species'>): SnapshotTotals {
  const entries = Object.values(manifest.species);
  return { species: entries.length, labels: entries.reduce((sum, e) => sum + e.labels, 0) };
}

function percent(x: number): string {
  return `${(Math.round(x * 1000) / 10).toString()} %`;
}

export function checkShrink(current: Pick<Manifest, 'species'> | null, next: Pick<Manifest, 'species'>, maxShrink: number): GuardVerdict {
  const after = totalsOf(next);
  if (!current) return { ok: true, maxShrink, before: null, after, reasons: [] };
  const before = totalsOf(current);
  const reasons: string[] = [];
  for (const measure of ['species', 'labels'] as const) {
    const was = before[measure];
    const now = after[measure];
    if (was > 0 && now < was && (was - now) / was > maxShrink) {
      reasons.push(`${measure} fell from ${was} to ${now} (-${percent((was - now) / was)}, limit ${percent(maxShrink)})`);
    }
  }
  return { ok: reasons.length === 0, maxShrink, before, after, reasons };
}
