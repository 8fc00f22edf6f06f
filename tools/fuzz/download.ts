// The download target of `npm run fuzz`: URL sources (src/fetch.ts) against a local server that
// misbehaves at random. Each case is one download of one behaviour: a status (200, 404, 500, 204),
// a body (the model, an HTML page, random bytes, a corrupted model, nothing), a Content-Length
// (true, absent, shorter, longer, 2^40, garbage) and a pace (all at once, chunks with pauses,
// a trickle, no headers ever, a stall mid-body, a reset, an early close, an endless body), fetched
// with random limits (maxDownloadBytes, timeoutMs, stallTimeoutMs, integrity right / wrong) by
// fetchModelBytes or loadModel. The property: a result only when the server sent the whole model
// as it is (and then exactly those bytes), else a SeqattnError; settled before timeoutMs plus a
// grace period (no hang); no unhandled rejection.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { fetchModelBytes, loadModel, SeqattnError } from '../../src/index.js';

const STATUS = [200, 200, 200, 200, 404, 500, 204] as const;
const BODIES = ['model', 'model', 'html', 'random', 'corrupt', 'empty'] as const;
const LENGTHS = ['true', 'true', 'none', 'short', 'long', 'huge', 'garbage'] as const;
const PACES = ['all', 'all', 'chunks', 'chunks', 'trickle', 'stall-headers', 'stall-body', 'reset', 'close-early', 'endless'] as const;

interface Behaviour {
  status: typeof STATUS[number];
  body: typeof BODIES[number];
  length: typeof LENGTHS[number];
  pace: typeof PACES[number];
  /** Where a stall, reset or early close happens, as a fraction of the body. */
  cut: number;
  chunk: number;
  pauseMs: number;
}
interface Options { via: 'fetchModelBytes' | 'loadModel'; max: number | undefined; timeoutMs: number; stallTimeoutMs: number; integrity: 'none' | 'right' | 'wrong' }

const anyBehaviour: fc.Arbitrary<Behaviour> = fc.record({
  status: fc.constantFrom(...STATUS), body: fc.constantFrom(...BODIES), length: fc.constantFrom(...LENGTHS), pace: fc.constantFrom(...PACES),
  cut: fc.double({ min: 0, max: 1, noNaN: true }), chunk: fc.integer({ min: 1, max: 65536 }), pauseMs: fc.integer({ min: 0, max: 15 }),
});
/** A third of the cases a server that behaves (the model, whole, a true or no length), so results are checked too. */
const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  { arbitrary: anyBehaviour.map((b) => ({ ...b, status: 200 as const, body: 'model' as const, length: b.cut < 0.5 ? 'true' as const : 'none' as const, pace: b.chunk % 2 ? 'all' as const : 'chunks' as const, pauseMs: b.pauseMs % 3 })), weight: 1 },
  { arbitrary: anyBehaviour, weight: 2 },
);

/** The fuzz run: `run(n)` checks n cases, 8 downloads at a time (8 fast-check runs of n / 8, seeds seed .. seed + 7). */
export function downloadTarget(seed: number): { name: string; what: string; cases: number; run: (n: number) => Promise<fc.RunDetails<unknown>>; extra: () => string } {
  const model = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'tutorial', 'model.safetensors'));
  const modelHash = `sha256-${createHash('sha256').update(model).digest('base64')}`;
  const html = Buffer.from('<!doctype html><html><head><title>Sign in</title></head><body>Please sign in.</body></html>');
  const behaviours = new Map<string, Behaviour>();
  /** The body each case's server sent (or would have sent whole), and whether all of it went out with a length a client must accept. */
  const sent = new Map<string, { body: Buffer; whole: boolean }>();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let base = '';
  let next = 0;
  let unhandled = 0, hangs = 0, untyped = 0, results = 0, typed = 0;
  const codes = new Map<string, number>();
  const onUnhandled = () => { unhandled++; };

  const bodyOf = (b: Behaviour): Buffer => {
    if (b.body === 'model') return model;
    if (b.body === 'html') return html;
    if (b.body === 'random') return randomBytes(1 + Math.floor(b.cut * 5000));
    if (b.body === 'corrupt') { const c = Buffer.from(model); c[Math.floor(b.cut * (c.length - 1))] ^= 0xff; c.writeUInt32LE((c.readUInt32LE(0) ^ (b.cut < 0.5 ? 1 : 0)) >>> 0, 0); return c; }
    return Buffer.alloc(0);
  };

  function answer(s: Socket, b: Behaviour, id: string): void {
    const timers: NodeJS.Timeout[] = [];
    s.on('close', () => timers.forEach((t) => clearTimeout(t)));
    const later = (ms: number, f: () => void) => timers.push(setTimeout(() => { if (!s.destroyed) f(); }, ms));
    if (b.pace === 'stall-headers') return; // never answers
    const body = b.status === 204 ? Buffer.alloc(0) : bodyOf(b);
    const cutShort = b.pace === 'stall-body' || b.pace === 'reset' || b.pace === 'close-early';
    // whole: status 200, every byte sent, with a true length (or chunked and properly ended)
    const whole = b.status === 200 && (b.length === 'true' || (b.length === 'none' && !cutShort)) && b.pace !== 'endless'
      && (!cutShort || Math.floor(b.cut * body.length) === body.length);
    sent.set(id, { body, whole });
    const chunked = b.length === 'none' || b.pace === 'endless';
    const cl = { true: String(body.length), short: String(Math.max(0, body.length - 1 - Math.floor(b.cut * 100))), long: String(body.length + 1 + Math.floor(b.cut * 100)),
      huge: String(2 ** 40), garbage: b.cut < 0.5 ? '-5' : '12abc', none: '' }[b.length];
    const reason = { 200: 'OK', 204: 'No Content', 404: 'Not Found', 500: 'Internal Server Error' }[b.status];
    s.write(`HTTP/1.1 ${b.status} ${reason}\r\n${chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${cl}\r\n`}connection: close\r\n\r\n`);
    const frame = (p: Buffer) => (chunked ? Buffer.concat([Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]) : p);
    const end = () => { if (chunked) s.write('0\r\n\r\n'); s.end(); };
    if (b.pace === 'endless') {
      const piece = frame(randomBytes(Math.max(1, b.chunk)));
      const pump = () => { while (!s.destroyed && s.writableLength < 1 << 20) s.write(piece); later(1, pump); };
      pump();
      return;
    }
    const stop = Math.floor(b.cut * body.length);
    const upTo = b.pace === 'stall-body' || b.pace === 'reset' || b.pace === 'close-early' ? stop : body.length;
    const finish = () => {
      if (b.pace === 'stall-body') return; // keeps the connection open, silent
      if (b.pace === 'reset') { s.resetAndDestroy(); return; }
      if (b.pace === 'close-early') { s.end(); return; }
      end();
    };
    if (b.pace === 'all' || b.pace === 'stall-body' || b.pace === 'reset' || b.pace === 'close-early') {
      if (upTo > 0) s.write(frame(body.subarray(0, upTo)));
      finish();
      return;
    }
    const step = b.pace === 'trickle' ? Math.max(1, Math.floor(b.chunk / 64)) : b.chunk;
    const pause = b.pace === 'trickle' ? Math.max(2, b.pauseMs) : b.pauseMs;
    let at = 0;
    const send = () => {
      if (at >= upTo) { finish(); return; }
      s.write(frame(body.subarray(at, at = Math.min(upTo, at + step))));
      later(pause, send);
    };
    send();
  }

  async function start(): Promise<void> {
    process.on('unhandledRejection', onUnhandled);
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      s.once('data', (req) => {
        const id = /^GET \/b\/(\d+)/.exec(req.toString('latin1'))?.[1] ?? '';
        const b = behaviours.get(id);
        behaviours.delete(id);
        if (!b) { s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'); return; }
        answer(s, b, id);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  async function stop(): Promise<void> {
    if (!server) return;
    for (const s of sockets) s.destroy();
    const closing = server;
    server = undefined;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    await new Promise((r) => setTimeout(r, 100)); // a late rejection would show now
    process.off('unhandledRejection', onUnhandled);
  }


  const property = fc.asyncProperty(behaviour, fc.record({
    via: fc.constantFrom<Options['via']>('fetchModelBytes', 'fetchModelBytes', 'fetchModelBytes', 'loadModel'),
    max: fc.option(fc.constantFrom(1000, 50_000, model.length, model.length + 1, 1 << 20, 2 ** 40), { nil: undefined }),
    timeoutMs: fc.integer({ min: 100, max: 1500 }),
    stallTimeoutMs: fc.integer({ min: 50, max: 400 }),
    integrity: fc.constantFrom<Options['integrity']>('none', 'none', 'right', 'wrong'),
  }), async (b, o) => {
    const id = String(next++);
    behaviours.set(id, b);
    const url = `${base}/b/${id}`;
    const options = {
      maxDownloadBytes: o.max, timeoutMs: o.timeoutMs, stallTimeoutMs: o.stallTimeoutMs,
      integrity: o.integrity === 'none' ? undefined : o.integrity === 'right' ? modelHash : `sha256-${createHash('sha256').update('x').digest('base64')}`,
    };
    const call = o.via === 'loadModel'
      ? loadModel(url, options).then((m) => { m.dispose(); return null; })
      : fetchModelBytes(url, options);
    const grace = o.timeoutMs + 5000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      call.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e })),
      new Promise<{ hang: true }>((r) => { timer = setTimeout(() => r({ hang: true }), grace); }),
    ]);
    clearTimeout(timer);
    behaviours.delete(id);
    const { body, whole } = sent.get(id) ?? { body: undefined, whole: false };
    sent.delete(id);
    if ('hang' in outcome) { hangs++; throw new Error(`hang: no answer within timeoutMs + 5 s (${grace} ms) for ${JSON.stringify(b)} ${JSON.stringify(o)}`); }
    if (!outcome.ok) {
      if (!(outcome.e instanceof SeqattnError)) { untyped++; throw new Error(`untyped ${(outcome.e as Error)?.name}: ${(outcome.e as Error)?.message} for ${JSON.stringify(b)} ${JSON.stringify(o)}`); }
      if (outcome.e.message.length > 1000) throw new Error(`a message of ${outcome.e.message.length} characters`);
      typed++;
      codes.set(outcome.e.code, (codes.get(outcome.e.code) ?? 0) + 1);
      return;
    }
    results++;
    // a result only for a whole body within the limits, of the wanted hash, that reads as a model (safetensors; loadModel: loads)
    const why = !whole ? 'the server did not send a whole body with a true length'
      : body === undefined ? 'no body was sent'
        : o.max !== undefined && o.max < body.length ? `${body.length} bytes, more than maxDownloadBytes ${o.max}`
          : o.integrity === 'wrong' || (o.integrity === 'right' && !body.equals(model)) ? 'the body is not of the integrity hash'
            : b.body !== 'model' && b.body !== 'corrupt' ? `a ${b.body} body`
              : outcome.v !== null && !Buffer.from(outcome.v).equals(body) ? 'the bytes differ from what the server sent' : '';
    if (why) throw new Error(`a result though ${why}: ${JSON.stringify(b)} ${JSON.stringify(o)}`);
  });

  return {
    name: 'downloads',
    what: 'fetchModelBytes / loadModel of a local server that misbehaves at random (status, body, Content-Length lies, no headers, stalls, trickles, resets, early closes, endless bodies) with random maxDownloadBytes, timeoutMs, stallTimeoutMs, integrity; 8 at a time',
    cases: 20_000,
    async run(n) {
      await start();
      try {
        const k = 8;
        const all = await Promise.all(Array.from({ length: k }, (_, i) => fc.check(property, { numRuns: Math.ceil(n / k), seed: seed + i }) as Promise<fc.RunDetails<unknown>>));
        const bad = all.find((d) => d.failed);
        await stop();
        const numRuns = all.reduce((a, d) => a + d.numRuns, 0);
        if (!bad && unhandled > 0) return { ...all[0], failed: true, numRuns, errorInstance: new Error(`${unhandled} unhandled rejections`) } as fc.RunDetails<unknown>;
        return { ...(bad ?? all[0]), numRuns };
      } finally {
        await stop();
      }
    },
    extra: () => `downloads: ${results} results (each exactly the bytes sent, all of them, within the limits), ${typed} typed errors (${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}), ${untyped} untyped, ${hangs} hangs, ${unhandled} unhandled rejections`,
  };
}
