// Reads a parquet-wasm (Arrow Rust) table out of WebAssembly memory through
// the Arrow C Data Interface (wasm32 layout), without the Arrow JS library.
// Returns {names, formats, columns} with plain JS values; null for nulls.
import * as pw from 'parquet-wasm';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function cstr(mem, ptr) {
  const bytes = new Uint8Array(mem.buffer);
  let end = ptr;
  while (bytes[end] !== 0) end++;
  return utf8.decode(bytes.subarray(ptr, end));
}

function readSchema(mem, ptr) {
  const dv = new DataView(mem.buffer);
  const format = cstr(mem, dv.getUint32(ptr, true));
  const namePtr = dv.getUint32(ptr + 4, true);
  const name = namePtr ? cstr(mem, namePtr) : '';
  const n = Number(dv.getBigInt64(ptr + 24, true));
  const childrenPtr = dv.getUint32(ptr + 32, true);
  const children = [];
  for (let i = 0; i < n; i++) children.push(readSchema(mem, dv.getUint32(childrenPtr + 4 * i, true)));
  const dictPtr = dv.getUint32(ptr + 36, true);
  return { format, name, children, dictionary: dictPtr ? readSchema(mem, dictPtr) : null };
}

function readArray(mem, ptr, schema) {
  const dv = new DataView(mem.buffer);
  const length = Number(dv.getBigInt64(ptr, true));
  const offset = Number(dv.getBigInt64(ptr + 16, true));
  const nBuffers = Number(dv.getBigInt64(ptr + 24, true));
  const buffersPtr = dv.getUint32(ptr + 40, true);
  const buf = (i) => dv.getUint32(buffersPtr + 4 * i, true);
  const validity = nBuffers > 0 ? buf(0) : 0;
  const u8 = new Uint8Array(mem.buffer);
  const isValid = (i) => {
    if (!validity) return true;
    const bit = offset + i;
    return (u8[validity + (bit >> 3)] >> (bit & 7)) & 1;
  };
  const out = new Array(length);
  const f = schema.format;
  for (let i = 0; i < length; i++) {
    if (!isValid(i)) { out[i] = null; continue; }
    const j = offset + i;
    if (f === 'u' || f === 'z') {
      const o = buf(1), d = buf(2);
      const a = dv.getInt32(o + 4 * j, true), b = dv.getInt32(o + 4 * j + 4, true);
      out[i] = f === 'u' ? utf8.decode(u8.subarray(d + a, d + b)) : u8.slice(d + a, d + b);
    } else if (f === 'U') {
      const o = buf(1), d = buf(2);
      const a = Number(dv.getBigInt64(o + 8 * j, true)), b = Number(dv.getBigInt64(o + 8 * j + 8, true));
      out[i] = utf8.decode(u8.subarray(d + a, d + b));
    } else if (f === 'vu') {
      const v = buf(1) + 16 * j;
      const len = dv.getInt32(v, true);
      if (len <= 12) out[i] = utf8.decode(u8.subarray(v + 4, v + 4 + len));
      else {
        const bi = dv.getInt32(v + 8, true), off = dv.getInt32(v + 12, true);
        const d = buf(2 + bi);
        out[i] = utf8.decode(u8.subarray(d + off, d + off + len));
      }
    } else if (f === 's') out[i] = dv.getInt16(buf(1) + 2 * j, true);
    else if (f === 'i' || f === 'tdD') out[i] = dv.getInt32(buf(1) + 4 * j, true);
    else if (f === 'l' || f.startsWith('tsu')) out[i] = dv.getBigInt64(buf(1) + 8 * j, true);
    else if (f === 'g') out[i] = dv.getFloat64(buf(1) + 8 * j, true);
    else if (f === 'b') out[i] = ((u8[buf(1) + (j >> 3)] >> (j & 7)) & 1) === 1;
    else throw new Error(`arrow format ${f} not handled`);
  }
  return out;
}

export function readWithArrow(bytes) {
  const table = pw.readParquet(bytes);
  const stream = table.intoFFI();
  try {
    const mem = pw.wasmMemory();
    const schema = readSchema(mem, stream.schemaAddr());
    const names = schema.children.map((c) => c.name);
    const formats = schema.children.map((c) => c.format);
    const columns = names.map(() => []);
    for (let k = 0; k < stream.numArrays(); k++) {
      const ptr = stream.arrayAddr(k);
      const dv = new DataView(mem.buffer);
      const nChildren = Number(dv.getBigInt64(ptr + 32, true));
      const childrenPtr = dv.getUint32(ptr + 44, true);
      for (let c = 0; c < nChildren; c++) {
        const vals = readArray(mem, new DataView(mem.buffer).getUint32(childrenPtr + 4 * c, true), schema.children[c]);
        for (const v of vals) columns[c].push(v);
      }
    }
    return { names, formats, columns };
  } finally {
    stream.free();
  }
}
