/**
 * One species loaded in memory: its prefix index plus the per-label payload of the shard.
 */
import { assertShard, type Shard } from '../../snapshot/format.ts';
import { PrefixIndex } from '../prefix-index/prefix-index.ts';

export interface Suggestion {
  label: string;
  stable_ids: string[];
  /** Location of each stable ID (`chr:start-end`), null where the source has none. */
  locations: (string | null)[];
}

export interface SearchPage {
  total: number;
  suggestions: Suggestion[];
}

export class SpeciesData {
  readonly species: string;
  /** The snapshot version this data was loaded from. */
  readonly version: string;
  /** sha256 of the shard it was loaded from: unchanged shards survive a version change. */
  readonly sha256: string;
  readonly index: PrefixIndex;
  /** Estimated heap bytes (strings as UTF-16 plus the index's arrays), for the LRU budget. */
  readonly bytes: number;
  private readonly shard: Shard;

  constructor(version: string, sha256: string, shard: Shard, jsonBytes: number) {
    this.species = shard.species;
    this.version = version;
    this.sha256 = sha256;
    this.shard = shard;
    this.index = new PrefixIndex(shard.labels);
    // Parsed strings take about 2 bytes per JSON byte in the worst case, plus the folded keys.
    this.bytes = jsonBytes * 2 + shard.labels.length * 40 + this.index.overheadBytes;
  }

  /** Parses and validates decompressed shard JSON. */
  static fromJson(version: string, species: string, sha256: string, json: Uint8Array): SpeciesData {
    const shard: unknown = JSON.parse(new TextDecoder().decode(json));
    assertShard(shard, species);
    return new SpeciesData(version, sha256, shard, json.byteLength);
  }

  get labelCount(): number {
    return this.shard.labels.length;
  }

  search(query: string, limit: number): SearchPage {
    const { total, positions } = this.index.search(query, limit);
    return { total, suggestions: positions.map((i) => this.suggestion(i)) };
  }

  private suggestion(i: number): Suggestion {
    const ids = this.shard.stable_ids[i]!.split(' ');
    const locs = this.shard.locations?.[i]?.split(' ');
    return {
      label: this.shard.labels[i]!,
      stable_ids: ids,
      locations: ids.map((_, j) => locs?.[j] || null),
    };
  }
}
