// Draws the toolbar icons (a speech bubble with a bell dot) as PNGs with node:zlib alone,
// so the build has icons without an image toolchain. Run: node scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      // Normalised coordinates 0..1; rounded bubble body, a small tail, and an orange dot.
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const inBody = ((u - 0.45) / 0.42) ** 2 + ((v - 0.45) / 0.34) ** 2 <= 1;
      const inTail = v > 0.6 && v < 0.92 && u > 0.18 && u < 0.42 && u - 0.18 > (v - 0.6) * 0.6;
      const inDot = (u - 0.78) ** 2 + (v - 0.24) ** 2 <= 0.17 ** 2;
      let px = [0, 0, 0, 0];
      if (inBody || inTail) px = [37, 99, 235, 255];
      if (inDot) px = [249, 115, 22, 255];
      row.set(px, 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`../assets/icons/icon-${size}.png`, import.meta.url), png(size));
