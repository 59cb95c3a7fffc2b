import { describe, expect, it } from 'vitest';
import { buildSpeciesModel, GROUP, type CoreGene } from './species-model.ts';

const gene = (biotype: string | null, group: string | null, ...synonyms: string[]): CoreGene => ({ biotype, group, synonyms });

describe('buildSpeciesModel', () => {
  const rows = [
    { stableId: 'ENSG2', label: 'BRCA2', location: '13:1-2' },
    { stableId: 'ENSG1', label: 'BRCA1', location: null },
    { stableId: 'ENSG9', label: 'BRCA1', location: '17:5-6' },
    { stableId: 'ENSG9', label: 'BRCA1', location: null }, // duplicate row
    { stableId: 'ENSG3', label: null, location: null },
    { stableId: 'ENSG4', label: '  ', location: null },
    { stableId: 'ENSG5', label: 'brca1', location: null },
    { stableId: 'ENSG6', label: 'BRCA1P1', location: null },
  ];

  it('groups distinct labels case-sensitively, skipping NULL and blank labels', () => {
    const model = buildSpeciesModel('homo_sapiens', rows, null);
    expect(model.labels.map((l) => l.label)).toEqual(['BRCA1', 'brca1', 'BRCA1P1', 'BRCA2']);
    expect(model.labels[0]).toMatchObject({ stableIds: ['ENSG1', 'ENSG9'], locations: ['', '17:5-6'], group: GROUP.OTHER, biotype: null, synonyms: [] });
    expect(model).toMatchObject({ rows: 8, skipped: 2, hasLocations: true });
  });

  it('ranks coding before other before pseudogene, each in natural order', () => {
    const core = new Map([
      ['ENSG2', gene('protein_coding', 'coding')],
      ['ENSG6', gene('transcribed_unprocessed_pseudogene', 'pseudogene')],
      ['ENSG1', gene('lncRNA', 'lnoncoding')],
      ['ENSG9', gene('protein_coding', 'coding')],
    ]);
    const model = buildSpeciesModel('homo_sapiens', rows, core);
    // BRCA1 has a coding gene (ENSG9): coding. brca1 is unknown: other.
    expect(model.labels.map((l) => [l.label, l.group])).toEqual([
      ['BRCA1', GROUP.CODING],
      ['BRCA2', GROUP.CODING],
      ['brca1', GROUP.OTHER],
      ['BRCA1P1', GROUP.PSEUDOGENE],
    ]);
    // The biotype of the gene that makes the group.
    expect(model.labels[0]!.biotype).toBe('protein_coding');
  });

  it('takes synonyms over all stable IDs of a label, once per folded form, never the label itself', () => {
    const core = new Map([
      ['ENSG1', gene('protein_coding', 'coding', 'RNF53', 'brca1', 'BRCC1', 'IRIS')],
      ['ENSG9', gene('protein_coding', 'coding', 'brcc1', 'PPP1R53')],
      ['ENSG2', gene('protein_coding', 'coding', 'FANCD1', ' ')],
    ]);
    const model = buildSpeciesModel('homo_sapiens', rows, core);
    expect(model.labels.find((l) => l.label === 'BRCA1')!.synonyms).toEqual(['BRCC1', 'IRIS', 'PPP1R53', 'RNF53']);
    expect(model.labels.find((l) => l.label === 'BRCA2')!.synonyms).toEqual(['FANCD1']);
  });

  it('lists every label, synonym and stable ID as a key, sorted, stable IDs ranked in natural order', () => {
    const core = new Map([['ENSG1', gene('protein_coding', 'coding', 'IRIS')]]);
    const model = buildSpeciesModel('homo_sapiens', rows, core);
    const keys = model.entries.map((e) => e.key);
    expect(keys).toEqual([...keys].sort());
    expect(model.entries.filter((e) => e.kind === 'l')).toHaveLength(4);
    expect(model.entries.filter((e) => e.kind === 's').map((e) => [e.key, e.text])).toEqual([['iris', 'IRIS']]);
    const ids = model.entries.filter((e) => e.kind === 'i').sort((a, b) => a.idRank - b.idRank);
    expect(ids.map((e) => e.text)).toEqual(['ENSG1', 'ENSG2', 'ENSG5', 'ENSG6', 'ENSG9']);
  });

  it('keeps line breaks out of every string (the packed lists are split on them)', () => {
    const model = buildSpeciesModel('x', [{ stableId: 'E1', label: 'A\nB', location: '1:1-2\r\n' }], new Map([['E1', gene('b', 'coding', 'S\nT')]]));
    expect(model.labels[0]).toMatchObject({ label: 'A B', locations: ['1:1-2'], synonyms: ['S T'] });
  });
});
