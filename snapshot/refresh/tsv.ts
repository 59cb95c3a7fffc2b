/**
 * A TSV file (optionally .gz) with a header line, read as batches of records by column name:
 * a batch per chunk read, so parsing never awaits per row. Empty fields read as null.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export type TsvRecord<C extends string> = Record<C, string | null>;

export async function* readTsvRecords<C extends string>(path: string, required: readonly C[], optional: readonly C[] = []): AsyncGenerator<TsvRecord<C>[]> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  input.setEncoding('utf8');
  let columns: [C, number][] | null = null;
  const parse = (line: string, out: TsvRecord<C>[]) => {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') return;
    const fields = line.split('\t');
    if (!columns) {
      const at = new Map(fields.map((name, i) => [name.trim(), i]));
      const missing = required.filter((c) => !at.has(c));
      if (missing.length) throw new Error(`${path}: header lacks column(s) ${missing.join(', ')}`);
      columns = [...required, ...optional].map((c) => [c, at.get(c) ?? -1]);
      return;
    }
    const record = {} as TsvRecord<C>;
    for (const [name, i] of columns) record[name] = i < 0 || !fields[i] ? null : fields[i]!;
    out.push(record);
  };
  let rest = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      const records: TsvRecord<C>[] = [];
      for (const line of lines) parse(line, records);
      if (records.length) yield records;
    }
    const last: TsvRecord<C>[] = [];
    if (rest) parse(rest, last);
    if (last.length) yield last;
  } finally {
    raw.destroy();
  }
}
