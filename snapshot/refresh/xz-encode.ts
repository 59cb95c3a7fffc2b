/**
 * xz compression with a dictionary sized to the input (Node only; used by the builder).
 *
 * Why not `xz -9` or a preset: their 8–64 MiB dictionaries make the edge's WASM decoder grow
 * its memory to match, and WASM memory never shrinks inside an isolate. The dictionary never
 * needs to exceed the input, so we encode raw LZMA2 with exactly that dictionary and wrap it
 * in a one-block .xz container (format: tukaani.org/xz/xz-file-format.txt).
 */
import { crc32 } from 'node:zlib';
import { Lzma2Compressor } from '@napi-rs/lzma';

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const CHECK_CRC32 = 0x01;
const FILTER_LZMA2 = 0x21;
const MIN_DICT = 4096;

/** The LZMA2 dictionary-size byte for the smallest allowed dictionary that covers `size` bytes. */
export function lzma2DictByte(size: number): { byte: number; dictSize: number } {
  for (let byte = 0; byte < 40; byte++) {
    const dictSize = (2 | (byte & 1)) * 2 ** (Math.floor(byte / 2) + 11);
    if (dictSize >= Math.max(size, MIN_DICT)) return { byte, dictSize };
  }
  return { byte: 40, dictSize: 0xffffffff };
}

function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

function withCrc(bytes: number[]): number[] {
  return [...bytes, ...u32le(crc32(Uint8Array.from(bytes)))];
}

function padTo4(bytes: number[]): number[] {
  while (bytes.length % 4 !== 0) bytes.push(0);
  return bytes;
}

export interface XzOptions {
  /** LZMA2 preset 0–9 (default 9: shards are written once and read many times). */
  preset?: number;
}

/** Compresses `data` into a single-block .xz stream with CRC32 check and a fitted dictionary. */
export async function xzCompress(data: Uint8Array, options: XzOptions = {}): Promise<Uint8Array> {
  const { byte: dictByte, dictSize } = lzma2DictByte(data.byteLength);
  const encoder = new Lzma2Compressor({ preset: options.preset ?? 9, dictSize });
  const head = Buffer.from(encoder.update(data));
  const tail = await encoder.finish();
  const bodyLength = head.byteLength + tail.byteLength;

  const streamFlags = [0x00, CHECK_CRC32];
  const streamHeader = [...MAGIC, ...withCrc(streamFlags)];
  // Block header: size byte, flags (one filter, no optional sizes), LZMA2 filter with its
  // one-byte dictionary property, zero padding, CRC32. 12 bytes in all.
  const blockHeaderBody = padTo4([0, 0x00, FILTER_LZMA2, 0x01, dictByte]);
  blockHeaderBody[0] = (blockHeaderBody.length + 4) / 4 - 1;
  const blockHeader = withCrc(blockHeaderBody);
  const blockPadding = (4 - (bodyLength % 4)) % 4;
  const check = u32le(crc32(data));
  const unpaddedSize = blockHeader.length + bodyLength + check.length;
  const index = withCrc(padTo4([0x00, ...varint(1), ...varint(unpaddedSize), ...varint(data.byteLength)]));
  const backwardSize = index.length / 4 - 1;
  const footerFields = [...u32le(backwardSize), ...streamFlags];
  const streamFooter = [...u32le(crc32(Uint8Array.from(footerFields))), ...footerFields, ...FOOTER_MAGIC];

  const out = new Uint8Array(
    streamHeader.length + blockHeader.length + bodyLength + blockPadding + check.length + index.length + streamFooter.length,
  );
  let at = 0;
  for (const part of [streamHeader, blockHeader, head, tail, new Array<number>(blockPadding).fill(0), check, index, streamFooter]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
