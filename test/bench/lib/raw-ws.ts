/**
 * A minimal WebSocket client for load benchmarks: a fixed upgrade request, one masked text frame
 * out, and a scan of the server's frames for what it waits for (answering pings so the server's
 * heartbeat keeps the connection). The `ws` client validates the handshake, parses every frame
 * and builds a message per frame; on a 2-core machine that CPU comes straight out of the server's
 * share, so a connect-rate benchmark with it measures the client as much as the server.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A client text frame (RFC 6455 5.2): FIN + text, masked, payload under 64 KiB. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const mask = randomBytes(4);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}

/**
 * Opens `url` (ws://host:port/path), sends `first` as a text frame once upgraded, and resolves
 * with the socket when a server text frame contains `until`. Rejects on a refused upgrade, a
 * close, an error or the timeout. `localAddress` (another 127.x address) spreads many connections
 * over source addresses: past ~14,000 connections from one address to one port, Linux's choice of
 * an ephemeral port scans the used ones, and each connect costs the client milliseconds of kernel
 * time (measured here: 2.4 ms at 18,000 against 0.08 ms spread over 8 addresses).
 */
export function openRaw(url: string, first: string, until: string, timeoutMs: number, localAddress?: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect({ port: Number(u.port), host: u.hostname, ...(localAddress ? { localAddress } : {}) });
    sock.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`no "${until}" within ${timeoutMs} ms`)), timeoutMs);
    sock.once('connect', () => {
      sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) return fail(new Error(`upgrade refused: ${buf.subarray(0, buf.indexOf('\r\n')).toString()}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        sock.write(maskedFrame(0x1, Buffer.from(first)));
      }
      // Server frames are unmasked: FIN/opcode, length (7, 16 or 64 bits), payload.
      while (buf.length >= 2) {
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        if (buf.length < at + len) return;
        const payload = buf.subarray(at, at + len);
        buf = buf.subarray(at + len);
        if (opcode === 0x9) sock.write(maskedFrame(0xa, payload));
        else if (opcode === 0x8) return fail(new Error(`closed by the server: ${payload.subarray(2).toString()}`));
        else if (!done && opcode === 0x1 && payload.includes(until)) {
          done = true;
          clearTimeout(timer);
          resolve(sock);
        }
      }
    });
    sock.once('error', fail);
    sock.once('close', () => fail(new Error('connection closed')));
  });
}
