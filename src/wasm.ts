/**
 * The one boundary between TypeScript and WebAssembly.
 *
 * Lifecycle:
 *   1. `runtime()` compiles the inlined module once per process (the bytes are small) and
 *      instantiates it. Every model of one build shares that one instance and its memory.
 *   2. A model `alloc`s its regions at load: weights (copied, and re-packed where it helps) and the
 *      worst-case scratch for its maximum lengths. Nothing on the decode path allocates.
 *   3. Kernels take byte offsets and sizes (output first, then inputs, then sizes) and never
 *      allocate. TypeScript reads results through typed-array views over `memory.buffer`.
 *   4. `dispose()` `free`s the regions. Wasm memory never shrinks, but freed regions are reused.
 *
 * Builds: two modules are inlined (tools/inline-wasm.mjs), the same kernels compiled twice:
 *   'simd128'       SIMD128 only (asconfig target "release"): runs wherever Wasm SIMD does;
 *   'relaxed-simd'  plus relaxed SIMD (target "relaxed"): the dense products accumulate with a
 *                   fused multiply-add (f32x4.relaxed_madd). Chosen when the engine validates it
 *                   (Chrome >= 114, Node >= 22; Node 20 behind --experimental-wasm-relaxed-simd).
 *   In Node, SEQATTN_WASM=simd128 or =relaxed-simd sets the default; LoadOptions.wasmBuild picks one
 *   per model (e.g. simd128 for bit-identical results on every engine). Naming an unavailable
 *   build is an error.
 *
 * Views: `memory.buffer` is replaced when memory grows (only inside `alloc`). Every view is taken
 * through `f32()` / `i32()` / `u8()` here, which re-create the cached views after growth, so no
 * stale view is ever read.
 */
import { baseline as baselineBase64, relaxed as relaxedBase64 } from '../build/wasm-bytes.js';
import { SeqattnError } from './errors.js';
import { packRowsInt8 } from './reference/kernels.js';

type Ptr = number;

// The public types name WebAssembly.Module (LoadOptions.wasmModule, compiledModule) and
// WebAssembly.Memory. TypeScript declares the WebAssembly namespace in lib "dom" and
// "webworker" only, not in ES20xx or @types/node: declared here (empty interfaces merge with the
// full ones where a consumer has them), a Node project whose lib has no DOM type-checks the
// package's declarations too.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace WebAssembly {
    interface Module {}
    interface Memory {}
  }
  interface RequestInit {}
}

/** Largest region `alloc` hands out: the allocator's block limit (2^30 minus a header); must match assembly/memory.ts. */
export const MAX_REGION_BYTES = 2 ** 30 - 64;

/** The kernels exported by assembly/index.ts. Names and argument orders must match assembly/. */
export interface Kernels {
  memory: WebAssembly.Memory;
  /** 16-byte aligned region of `bytes` bytes; may grow memory. */
  alloc(bytes: number): Ptr;
  free(ptr: Ptr): void;

  // assembly/matvec.ts
  /** out (rows,) = W (rows, cols) @ x (cols,) + b (rows,); `b = 0` means no bias. */
  matvec(out: Ptr, W: Ptr, x: Ptr, b: Ptr, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + b; W is (rows, cols) row-major, each weight read once for all n. */
  matmul(out: Ptr, X: Ptr, W: Ptr, b: Ptr, n: number, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + B (n, rows), a bias row per input; B may alias out (e.g. gathered table rows). */
  matmul_rowbias(out: Ptr, X: Ptr, W: Ptr, B: Ptr, n: number, rows: number, cols: number): void;
  // The same products with W packed in 4-row interleaved blocks (reference packRowsF32): the layout
  // of f32 Linear layers; bitwise the row-major result for rows % 4 == 0.
  /** out (rows,) = W x + b, W packed. */
  matvec_packed(out: Ptr, W: Ptr, x: Ptr, b: Ptr, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + b, W packed. */
  matmul_packed(out: Ptr, X: Ptr, W: Ptr, b: Ptr, n: number, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + B (n, rows), W packed; B may alias out. */
  matmul_packed_rowbias(out: Ptr, X: Ptr, W: Ptr, B: Ptr, n: number, rows: number, cols: number): void;

  // assembly/int8.ts: W ≈ ws ⊙ Wq, Wq int8 in 4-row blocks then i32 row sums (reference packRowsInt8),
  // ws (rows rounded up to 4,) f32 row scales; inputs quantised per vector inside the kernel: to
  // int16 in the simd128 build, to 7 bits in the relaxed-simd build (reference Int8Scheme).
  /** out (rows,) = W x + b, integer dot products; `b = 0` means no bias. */
  matvec_i8(out: Ptr, Wq: Ptr, ws: Ptr, x: Ptr, b: Ptr, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + b. */
  matmul_i8(out: Ptr, X: Ptr, Wq: Ptr, ws: Ptr, b: Ptr, n: number, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + B (n, rows); B may alias out. */
  matmul_i8_rowbias(out: Ptr, X: Ptr, Wq: Ptr, ws: Ptr, B: Ptr, n: number, rows: number, cols: number): void;
  /** relaxed-simd build: 1 = the 'dot-add' form (relaxed_dot_i8x16_i7x16_add_s), 0 = 'int16' (dot_i16x8_s); bit-identical results. simd128: no effect. */
  int8_dot_form(useDotAdd: number): void;

  // assembly/gru.ts (gate order r, z, n as in PyTorch; rows of n independent states)
  /** PyTorch / Keras reset_after=True: h' = (1-z) n + z h, n = tanh(gi_n + r (W_hn h + b_hn)). gi, gh (n, 3H) include biases. h_out may alias h_prev. */
  gru_reset_after(h_out: Ptr, gi: Ptr, gh: Ptr, h_prev: Ptr, H: number, n: number): void;
  /** Cho 2014 / Keras reset_after=False, first half: r, z from gi (n, 3H) and gh_rz (n, 2H); writes rh_out = r * h (n, H), z_out = z (n, H). */
  gru_reset_before_gates(rh_out: Ptr, z_out: Ptr, gi: Ptr, gh_rz: Ptr, h_prev: Ptr, H: number, n: number): void;
  /** Second half: n = tanh(gi_n + u) with u = W_hn (r * h) + b_hn (n, H); h' = (1-z) n + z h. h_out may alias h_prev. */
  gru_reset_before_update(h_out: Ptr, gi: Ptr, u: Ptr, z: Ptr, h_prev: Ptr, H: number, n: number): void;

  // assembly/lstm.ts (gate order i, f, g, o as in PyTorch; rows of n independent states)
  /** c' = f c + i g, h' = o tanh(c'); gi, gh (n, 4H) include biases, c_prev, c_out, h_out (n, H). c_out may alias c_prev. */
  lstm_cell(h_out: Ptr, c_out: Ptr, gi: Ptr, gh: Ptr, c_prev: Ptr, H: number, n: number): void;

  // assembly/attention.ts
  /** e (Tx,) : e_j = v . tanh(Wq + Uh_j) + v_bias; Uh (Tx, A), Wq (A,), v (A,). ref: Bahdanau et al. 2015, eq. (6) */
  additive_energies(e: Ptr, Uh: Ptr, Wq: Ptr, v: Ptr, v_bias: number, Tx: number, A: number): void;
  /** e (Tx,) : e_j = v . relu(Wq + Uh_j) + v_bias; the same shapes (the sgrvinod captioner's attention) */
  additive_energies_relu(e: Ptr, Uh: Ptr, Wq: Ptr, v: Ptr, v_bias: number, Tx: number, A: number): void;
  /** e (Tx,) : e_j = scale * (K_j . q); K (Tx, d) keys, q (d,). ref: Luong et al. 2015, eq. (8): dot, and general with q = W_a^T h_t */
  dot_energies(e: Ptr, K: Ptr, q: Ptr, scale: number, Tx: number, d: number): void;
  /** c (d,) = sum_j a_j Hs_j; a (Tx,), Hs (Tx, d). ref: Bahdanau et al. 2015, eq. (5) */
  context(c: Ptr, a: Ptr, Hs: Ptr, Tx: number, d: number): void;

  // assembly/softmax.ts
  /** out (n,) = softmax(x); numerically stable (max subtracted). out may alias x. */
  softmax(out: Ptr, x: Ptr, n: number): void;
  /** softmax over positions with mask[j] != 0 (u8); masked positions get exactly 0. out may alias x. */
  masked_softmax(out: Ptr, x: Ptr, mask: Ptr, n: number): void;
  /** out (n,) = x - logsumexp(x). out may alias x. */
  log_softmax(out: Ptr, x: Ptr, n: number): void;
  /** log sum_j exp(x_j), stable. */
  logsumexp(x: Ptr, n: number): number;
  /** index of the largest x_j (first on ties). */
  argmax(x: Ptr, n: number): number;
  /** the k largest of x (n,), by value descending (lower index first on ties): idx_out (k,) i32, val_out (k,) f32. */
  topk(idx_out: Ptr, val_out: Ptr, x: Ptr, n: number, k: number): void;

  // assembly/activations.ts
  /** x = tanh(x), elementwise, in place. */
  tanh_inplace(x: Ptr, n: number): void;
  /** out (L,) : out_k = max(x_2k, x_2k+1); x (2L,). ref: Goodfellow et al. 2013; Bahdanau et al. 2015, A.2.2 */
  maxout(out: Ptr, x: Ptr, L: number): void;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  // Node < 16 has no atob; Buffer is there instead.
  const B = (globalThis as any).Buffer;
  return new Uint8Array(B.from(s, 'base64')) as Uint8Array<ArrayBuffer>;
}

/** Which of the two inlined builds runs (see the top of this file). */
export type WasmBuild = 'simd128' | 'relaxed-simd';
const BUILDS: readonly WasmBuild[] = ['simd128', 'relaxed-simd'];

/** The build SEQATTN_WASM asks for in Node ('auto' when unset; browsers have no such variable). */
function requestedBuild(): WasmBuild | 'auto' {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SEQATTN_WASM;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (!(BUILDS as readonly string[]).includes(v)) {
    throw new SeqattnError('E_WASM', `SEQATTN_WASM is ${JSON.stringify(v)}, expected "simd128", "relaxed-simd" or "auto"`);
  }
  return v as WasmBuild;
}

/** The process-wide Wasm runtime: kernels plus cached, growth-aware views of its memory. */
export class WasmRuntime {
  readonly k: Kernels;
  /** The build these kernels come from. */
  readonly build: WasmBuild;
  private buffer: ArrayBuffer;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;

  /**
   * The form of the int8 dot products the kernels use (assembly/int8.ts): 'int16' (i32x4.dot_i16x8_s,
   * the only one in simd128) or, relaxed-simd only, 'dot-add' (relaxed_dot_i8x16_i7x16_add_s on two
   * 7-bit digits), checked and timed at start-up (chooseInt8DotForm): 'dot-add' wins where the engine
   * emits one vpdpbusd (AVX-VNNI). Results are bit-identical either way.
   */
  int8DotForm: Int8DotForm = 'int16';
  /** The forms that passed the exactness check (chooseInt8DotForm); simd128: ['int16']. */
  int8ExactForms: readonly Int8DotForm[] = ['int16'];

  constructor(k: Kernels, build: WasmBuild) {
    this.k = k;
    this.build = build;
    this.buffer = k.memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
    this.u8View = new Uint8Array(this.buffer);
  }

  private refresh(): void {
    if (this.buffer !== this.k.memory.buffer) {
      this.buffer = this.k.memory.buffer;
      this.f32View = new Float32Array(this.buffer);
      this.i32View = new Int32Array(this.buffer);
      this.u8View = new Uint8Array(this.buffer);
    }
  }

  /** Bytes of Wasm memory now (it grows, never shrinks). */
  get memoryBytes(): number { return this.k.memory.buffer.byteLength; }

  /**
   * A 16-byte aligned region; throws E_WASM when memory cannot grow. `bytes` is checked here, in
   * plain numbers, because the export takes an i32: 2^32 + 64 would arrive as 64, and the caller's
   * zero-fill of the size it asked for would run over the allocator's state.
   */
  alloc(bytes: number): Ptr {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_REGION_BYTES) {
      throw new SeqattnError('E_WASM', `WebAssembly memory: cannot allocate ${bytes} bytes in one region (at most ${MAX_REGION_BYTES})`);
    }
    let p: number;
    try {
      p = this.k.alloc(Math.max(16, bytes));
    } catch (e) {
      throw new SeqattnError('E_WASM', `WebAssembly memory: cannot allocate ${bytes} bytes (${(e as Error).message})`);
    }
    if (p === 0) throw new SeqattnError('E_WASM', `WebAssembly memory: cannot allocate ${bytes} bytes (refused by the allocator)`);
    this.refresh();
    return p;
  }

  free(ptr: Ptr): void { this.k.free(ptr); }

  /** The whole memory as f32; index with `ptr >> 2`. */
  get F32(): Float32Array { this.refresh(); return this.f32View; }
  get I32(): Int32Array { this.refresh(); return this.i32View; }
  get U8(): Uint8Array { this.refresh(); return this.u8View; }

  /** A view of `n` floats at `ptr` (valid until the next alloc). */
  f32(ptr: Ptr, n: number): Float32Array { this.refresh(); return this.f32View.subarray(ptr >> 2, (ptr >> 2) + n); }
  i32(ptr: Ptr, n: number): Int32Array { this.refresh(); return this.i32View.subarray(ptr >> 2, (ptr >> 2) + n); }
  u8(ptr: Ptr, n: number): Uint8Array { this.refresh(); return this.u8View.subarray(ptr, ptr + n); }
}

const runtimes = new Map<WasmBuild, Promise<WasmRuntime>>();
let detected: WasmBuild | null = null;

/** The forms of the int8 dot products (WasmRuntime.int8DotForm). */
export type Int8DotForm = 'int16' | 'dot-add';

/**
 * Picks the relaxed build's form of the int8 dot products (assembly/int8.ts int8_dot_form). A form is
 * used only if it computes a check product exactly (Node 20's V8 11.3, relaxed SIMD behind a flag,
 * returns twice the products from relaxed_dot_i8x16_i7x16_add_s); of the exact ones the faster on a
 * cache-resident 64 x 512 product of 8 inputs is kept: V8 >= 12.x with AVX-VNNI emits one vpdpbusd
 * for the dot-add, older V8 five instructions. About 4 ms, once per process; every exact form gives
 * bit-identical outputs, so the choice changes only the speed.
 */
function chooseInt8DotForm(rt: WasmRuntime): void {
  const k = rt.k, rows = 64, cols = 512, n = 8;
  // Q_rc spans [-127, 127]; x_c = p_c (max |x| = 8191, so t = 1) spans [-8191, 8191]: both digits of p + 8192 span [0, 127]
  const Q = new Int8Array(rows * cols).map((_, i) => ((i * 37 + (i >> 9) * 11) % 255) - 127);
  const x = new Float32Array(cols).map((_, c) => c === 0 ? 8191 : c === 1 ? -8191 : ((c * 977) % 16383) - 8191);
  const want = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[r] += Q[r * cols + c] * x[c];
  const Wq = packRowsInt8(Q, rows, cols);
  const W = rt.alloc(Wq.length), ws = rt.alloc(rows * 4), X = rt.alloc(n * cols * 4), out = rt.alloc(n * rows * 4);
  try {
    rt.U8.set(new Uint8Array(Wq.buffer, Wq.byteOffset, Wq.length), W);
    rt.f32(ws, rows).fill(1);
    for (let i = 0; i < n; i++) rt.f32(X + i * cols * 4, cols).set(x);
    const best = [Infinity, Infinity];
    for (const form of [1, 0]) {
      k.int8_dot_form(form);
      k.matmul_i8(out, X, W, ws, 0, n, rows, cols);
      const got = rt.f32(out, n * rows);
      if (!got.every((v, j) => v === Math.fround(want[j % rows]))) best[form] = NaN; // inexact: never chosen
    }
    for (let round = 0; round < 5; round++) {
      for (const form of [1, 0]) {
        if (Number.isNaN(best[form])) continue;
        k.int8_dot_form(form);
        const t0 = performance.now();
        for (let r = 0; r < 48; r++) k.matmul_i8(out, X, W, ws, 0, n, rows, cols); // ~0.3 ms: above coarse browser timers
        best[form] = Math.min(best[form], performance.now() - t0);
      }
    }
    if (Number.isNaN(best[0])) throw new SeqattnError('E_WASM', 'the relaxed-simd build computes int8 dot products inexactly on this engine (SEQATTN_WASM=simd128 avoids it)');
    const dotAdd = !Number.isNaN(best[1]) && best[1] < best[0];
    k.int8_dot_form(dotAdd ? 1 : 0);
    rt.int8DotForm = dotAdd ? 'dot-add' : 'int16';
    rt.int8ExactForms = (['int16', 'dot-add'] as const).filter((_, form) => !Number.isNaN(best[form]));
  } finally {
    for (const p of [W, ws, X, out]) rt.free(p);
  }
}

/** The build `runtime()` runs when none is named: SEQATTN_WASM if set, else relaxed SIMD where the engine validates it. */
export function defaultBuild(): WasmBuild {
  const want = requestedBuild();
  if (want !== 'auto') return want;
  detected ??= WebAssembly.validate(decodeBase64(relaxedBase64)) ? 'relaxed-simd' : 'simd128';
  return detected;
}

/**
 * Compiles and instantiates a build once per process; later calls return the same runtime, so
 * every model of one build shares one instance. `build` defaults to defaultBuild(); naming one the
 * engine lacks is an E_WASM error. Asynchronous because browsers refuse synchronous compilation of
 * modules over 4 KB on the main thread.
 */
export function runtime(wanted?: WasmBuild): Promise<WasmRuntime> {
  let build: WasmBuild;
  try { build = wanted ?? defaultBuild(); } catch (e) { return Promise.reject(e); }
  const cached = runtimes.get(build);
  if (cached) return cached;
  const made = (async () => {
    const instance = await WebAssembly.instantiate(await compiledModule(build), {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new SeqattnError('E_WASM', `seqattn kernel aborted at ${line}:${col}`);
        },
      },
    });
    const rt = new WasmRuntime(instance.exports as unknown as Kernels, build);
    if (build === 'relaxed-simd') chooseInt8DotForm(rt);
    return rt;
  })();
  runtimes.set(build, made);
  made.catch(() => { runtimes.delete(build); });
  return made;
}

const modules = new Map<WasmBuild, Promise<WebAssembly.Module>>();

/**
 * The compiled module of a build, compiled once per process. A worker pool (src/pool/) posts it
 * to its workers, which instantiate it (provideModule) instead of compiling the inlined bytes again.
 */
export function compiledModule(build: WasmBuild): Promise<WebAssembly.Module> {
  const cached = modules.get(build);
  if (cached) return cached;
  const made = (async () => {
    const bytes = decodeBase64(build === 'relaxed-simd' ? relaxedBase64 : baselineBase64);
    if (!WebAssembly.validate(bytes)) {
      throw new SeqattnError('E_WASM', build === 'relaxed-simd'
        ? 'the relaxed-simd build was asked for (SEQATTN_WASM or LoadOptions.wasmBuild), but this WebAssembly engine has no relaxed SIMD (Node 20: node --experimental-wasm-relaxed-simd; on by default in Node >= 22 and Chrome >= 114)'
        : 'this WebAssembly engine cannot run seqattn: it lacks SIMD128 (Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4 have it)');
    }
    return WebAssembly.compile(bytes as BufferSource);
  })();
  modules.set(build, made);
  made.catch(() => { modules.delete(build); });
  return made;
}

/** Makes `runtime(build)` instantiate `module`, compiled elsewhere (a pool's main thread), unless it already compiled one. */
export function provideModule(build: WasmBuild, module: WebAssembly.Module): void {
  if (!modules.has(build)) modules.set(build, Promise.resolve(module));
}
