/**
 * One species' rows (gene_autocomplete) and core data (biotypes, synonyms) → what the index
 * is made of: its distinct labels in rank order and every searchable key. Node-free logic, but
 * only the builder runs it.
 *
 * The rules (docs/design.md, "Query semantics"): a label's synonyms are the union over its
 * stable IDs, without those that fold to the label itself; its group is coding if any of its
 * genes is coding, else pseudogene if all are, else other (also when unknown); labels rank by
 * (group, natural order of the folded label, raw label).
 */
import { fold } from '../fold.ts';
import { KIND } from '../format.ts';
import { compareCodePoints, compareCodeUnits, compareNatural } from '../natural.ts';

/** One row of Ensembl's gene_autocomplete table (NULL label or location allowed). */
export interface GeneRow {
  stableId: string;
  label: string | null;
  location: string | null;
}

/** What a species' core database says of one gene. */
export interface CoreGene {
  biotype: string | null;
  /** biotype.biotype_group: coding, pseudogene, snoncoding, lnoncoding, … or null. */
  group: string | null;
  synonyms: string[];
}

export type CoreData = ReadonlyMap<string, CoreGene>;

/** Ranking groups, best first. */
export const GROUP = { CODING: 0, OTHER: 1, PSEUDOGENE: 2 } as const;
export type Group = (typeof GROUP)[keyof typeof GROUP];

export interface LabelRecord {
  label: string;
  /** Sorted by code point. */
  stableIds: string[];
  /** Per stable ID, '' where unknown. */
  locations: string[];
  group: Group;
  biotype: string | null;
  /** Raw synonyms, one per folded form, in folded-key order. */
  synonyms: string[];
}

export type EntryKind = (typeof KIND)[keyof typeof KIND];

export interface Entry {
  key: string;
  kind: EntryKind;
  /** The label's rank (its index in SpeciesModel.labels). */
  grank: number;
  /** Synonym or stable ID as the source spells it; '' for a label entry. */
  text: string;
  /** Stable-ID entries: rank in (natural order of the folded ID, raw label); else -1. */
  idRank: number;
}

export interface SpeciesModel {
  species: string;
  /** In rank order: labels[g] has rank g. */
  labels: LabelRecord[];
  /** Sorted by key (UTF-16 code units), then kind, then rank. */
  entries: Entry[];
  /** Whether any row had a location. */
  hasLocations: boolean;
  rows: number;
  /** Rows skipped because their label was NULL or blank. */
  skipped: number;
}

/** Line breaks and tabs would break the packed string lists; nothing legitimate contains them. */
function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/[\r\n\t]+/g, ' ').trim();
}

/** Whether a row names a label: NULL or blank labels (and stable IDs) are skipped. */
export function isUsableRow(row: GeneRow): boolean {
  return clean(row.label) !== '' && clean(row.stableId) !== '';
}

function groupOf(groups: (string | null)[]): Group {
  if (groups.includes('coding')) return GROUP.CODING;
  return groups.length > 0 && groups.every((g) => g === 'pseudogene') ? GROUP.PSEUDOGENE : GROUP.OTHER;
}

const KIND_ORDER: Record<EntryKind, number> = { l: 0, s: 1, i: 2 };

export function buildSpeciesModel(species: string, rows: Iterable<GeneRow>, core: CoreData | null): SpeciesModel {
  const byLabel = new Map<string, Map<string, string>>();
  let count = 0;
  let skipped = 0;
  let hasLocations = false;
  for (const row of rows) {
    count++;
    if (!isUsableRow(row)) {
      skipped++;
      continue;
    }
    const label = clean(row.label);
    const stableId = clean(row.stableId).replace(/\s+/g, '_');
    let ids = byLabel.get(label);
    if (!ids) byLabel.set(label, (ids = new Map()));
    const location = clean(row.location).replace(/\s+/g, '');
    if (location) hasLocations = true;
    if (!ids.get(stableId)) ids.set(stableId, location);
  }

  const records: (LabelRecord & { key: string })[] = [];
  for (const [label, ids] of byLabel) {
    const key = fold(label);
    const stableIds = [...ids.keys()].sort(compareCodePoints);
    const genes = stableIds.map((id) => core?.get(id));
    const group = groupOf(genes.map((g) => g?.group ?? null));
    const ofGroup = genes.find((g) => g?.biotype && groupOf([g.group]) === group);
    const biotype = (ofGroup ?? genes.find((g) => g?.biotype))?.biotype ?? null;
    const synonyms = new Map<string, string>();
    for (const gene of genes) {
      for (const raw of gene?.synonyms ?? []) {
        const synonym = clean(raw);
        const synonymKey = fold(synonym);
        if (!synonymKey || synonymKey === key) continue;
        const seen = synonyms.get(synonymKey);
        if (seen === undefined || compareCodePoints(synonym, seen) < 0) synonyms.set(synonymKey, synonym);
      }
    }
    records.push({
      key,
      label,
      stableIds,
      locations: stableIds.map((id) => ids.get(id)!),
      group,
      biotype,
      synonyms: [...synonyms.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, raw]) => raw),
    });
  }
  records.sort((a, b) => a.group - b.group || compareNatural(a.key, b.key) || compareCodePoints(a.label, b.label));

  const entries: Entry[] = [];
  records.forEach((r, grank) => {
    entries.push({ key: r.key, kind: KIND.LABEL, grank, text: '', idRank: -1 });
    for (const synonym of r.synonyms) entries.push({ key: fold(synonym), kind: KIND.SYNONYM, grank, text: synonym, idRank: -1 });
    for (const id of r.stableIds) entries.push({ key: fold(id), kind: KIND.ID, grank, text: id, idRank: -1 });
  });
  const ids = entries.filter((e) => e.kind === KIND.ID);
  ids.sort((a, b) => compareNatural(a.key, b.key) || compareCodePoints(records[a.grank]!.label, records[b.grank]!.label));
  ids.forEach((e, rank) => (e.idRank = rank));
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.grank - b.grank));

  return {
    species,
    labels: records.map(({ key: _key, ...record }) => record),
    entries,
    hasLocations,
    rows: count,
    skipped,
  };
}
