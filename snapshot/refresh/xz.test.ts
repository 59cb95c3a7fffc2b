import { describe, expect, it } from 'vitest';
import { lzma2DictByte, xzCompress } from './xz-encode.ts';
import { XzError } from '../unxz.ts';
import { nodeXzDecoder } from './xz-node.ts';

const decoder = nodeXzDecoder();
const text = (n: number) => new TextEncoder().encode(Array.from({ length: n }, (_, i) => `GENE${i}\tENSG${(i * 7919) % 100000}\n`).join(''));

describe('xz with a fitted dictionary', () => {
  it('round-trips through the WASM decoder, empty input included', async () => {
    for (const input of [new Uint8Array(0), new TextEncoder().encode('T'), text(50_000)]) {
      expect(decoder.decode(await xzCompress(input))).toEqual(input);
    }
  });

  it('declares the smallest LZMA2 dictionary that covers the input', async () => {
    expect(lzma2DictByte(10)).toEqual({ byte: 0, dictSize: 4096 });
    expect(lzma2DictByte(1 << 20).dictSize).toBe(1 << 20);
    expect(lzma2DictByte((1 << 20) + 1).dictSize).toBe(1.5 * (1 << 20));
    const input = text(20_000);
    const xz = await xzCompress(input);
    // Block header: size byte, flags, filter id 0x21, property size 1, dictionary byte.
    expect(xz[14]).toBe(0x21);
    expect(xz[16]).toBe(lzma2DictByte(input.byteLength).byte);
  });

  it('keeps the decoder memory near the dictionary size', async () => {
    const fresh = nodeXzDecoder();
    fresh.decode(await xzCompress(text(100_000)));
    expect(fresh.memoryBytes).toBeLessThan(8 << 20);
  });

  it('rejects truncated, corrupt and foreign input with XzError', async () => {
    const xz = await xzCompress(text(20_000));
    expect(() => decoder.decode(xz.subarray(0, xz.byteLength - 20))).toThrow(XzError);
    expect(() => decoder.decode(xz.subarray(0, 100))).toThrow(XzError);
    const corrupt = xz.slice();
    corrupt[Math.floor(xz.byteLength / 2)]! ^= 0xff;
    expect(() => decoder.decode(corrupt)).toThrow(XzError);
    expect(() => decoder.decode(new TextEncoder().encode('{"not": "xz"}'))).toThrow(XzError);
    expect(() => decoder.decode(new Uint8Array(0))).toThrow(XzError);
  });
});
