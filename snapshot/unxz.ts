/**
 * Synchronous .xz decoding over the WASM build of xz-embedded that ships inside the
 * xz-decompress package (extracted by scripts/extract-xz-wasm.ts).
 *
 * The package's own XzReadableStream cannot run in workerd: it compiles WASM from bytes at run
 * time (forbidden there) and races pull() against its async start(). Decoding a whole shard
 * that is already in memory needs neither a stream nor a promise, so this drives the module's
 * exports in a plain loop; one call never interleaves with another, which makes a single
 * instance safe to share across concurrent requests.
 */

interface XzExports {
  memory: WebAssembly.Memory;
  create_context(): number;
  destroy_context(ctx: number): void;
  supply_input(ctx: number, length: number): void;
  get_next_output(ctx: number): number;
}

// xz-embedded's enum xz_ret.
const XZ_OK = 0;
const XZ_STREAM_END = 1;
const XZ_MESSAGES: Record<number, string> = {
  2: 'unsupported integrity check',
  3: 'decoder out of memory',
  4: 'dictionary larger than the decoder allows',
  5: 'not an .xz stream',
  6: 'unsupported .xz options',
  7: 'corrupt compressed data',
  8: 'truncated or corrupt input',
};

// Field offsets (in 32-bit words) of the context struct the WASM side keeps at its pointer.
const BUF_SIZE = 0;
const IN_BUF = 1;
const IN_POS = 2;
const IN_SIZE = 3;
const OUT_BUF = 4;
const OUT_POS = 5;

export class XzError extends Error {
  override name = 'XzError';
}

export interface XzDecoder {
  /**
   * Decodes one complete .xz stream; throws XzError on corrupt or truncated input, or, when
   * `limit` is given, as soon as the output would exceed it (a corrupt or hostile object
   * never grows past what its reference promises).
   */
  decode(input: Uint8Array, limit?: number): Uint8Array<ArrayBuffer>;
  /** Bytes of WASM linear memory: a high-water mark, since it never shrinks. */
  readonly memoryBytes: number;
}

/** Instantiates the decoder from a precompiled module (Workers: a `.wasm` import; Node: see xz-node.ts). */
export function createXzDecoder(module: WebAssembly.Module): XzDecoder {
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as XzExports;

  function decode(input: Uint8Array, limit = Number.POSITIVE_INFINITY): Uint8Array<ArrayBuffer> {
    const ctx = exports.create_context();
    // Views are re-made when memory.grow has replaced the buffer (it detaches the old one).
    let buffer = exports.memory.buffer;
    let words = new Uint32Array(buffer, ctx, 6);
    let bytes = new Uint8Array(buffer);
    const fresh = () => {
      if (exports.memory.buffer === buffer) return;
      buffer = exports.memory.buffer;
      words = new Uint32Array(buffer, ctx, 6);
      bytes = new Uint8Array(buffer);
    };
    try {
      const bufSize = words[BUF_SIZE]!;
      const inBuf = words[IN_BUF]!;
      const outBuf = words[OUT_BUF]!;
      // With a limit the output has its size already (the reference says it): one buffer.
      let out = new Uint8Array(Number.isFinite(limit) ? limit : bufSize);
      let total = 0;
      let offset = 0;
      let stalled = false;
      for (;;) {
        if (words[IN_POS] === words[IN_SIZE]) {
          const next = input.subarray(offset, offset + bufSize);
          bytes.set(next, inBuf);
          exports.supply_input(ctx, next.byteLength);
          fresh();
          offset += next.byteLength;
        }
        const result = exports.get_next_output(ctx);
        fresh();
        if (result !== XZ_OK && result !== XZ_STREAM_END) {
          throw new XzError(`xz: ${XZ_MESSAGES[result] ?? `decoder error ${result}`}`);
        }
        const produced = words[OUT_POS]!;
        if (total + produced > limit) throw new XzError(`xz: decodes to more than ${limit} bytes`);
        if (produced > 0) {
          if (total + produced > out.byteLength) {
            const grown = new Uint8Array(Math.max(2 * out.byteLength, total + produced));
            grown.set(out.subarray(0, total));
            out = grown;
          }
          out.set(bytes.subarray(outBuf, outBuf + produced), total);
          total += produced;
          words[OUT_POS] = 0;
        }
        if (result === XZ_STREAM_END) break;
        const drained = offset >= input.byteLength && words[IN_POS] === words[IN_SIZE];
        if (drained && produced === 0) {
          // One more empty call lets the decoder flush; a second without progress means the
          // stream ended early.
          if (stalled) throw new XzError('xz: input ends before the end of the stream (truncated)');
          stalled = true;
        }
      }
      return total === out.byteLength ? out : out.slice(0, total);
    } finally {
      exports.destroy_context(ctx);
    }
  }

  return {
    decode,
    get memoryBytes() {
      return exports.memory.buffer.byteLength;
    },
  };
}
