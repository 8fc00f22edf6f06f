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

type Ptr = number;

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

  // assembly/int8.ts: W ≈ ws ⊙ Wq, Wq (rows, colsP) int8 rows zero-padded to colsP = cols rounded up to 16,
  // ws (rows,) f32 row scales; inputs quantised per vector to int16 inside the kernel.
  /** out (rows,) = W x + b, integer dot products; `b = 0` means no bias. */
  matvec_i8(out: Ptr, Wq: Ptr, ws: Ptr, x: Ptr, b: Ptr, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + b. */
  matmul_i8(out: Ptr, X: Ptr, Wq: Ptr, ws: Ptr, b: Ptr, n: number, rows: number, cols: number): void;
  /** out (n, rows) = X (n, cols) @ W^T + B (n, rows); B may alias out. */
  matmul_i8_rowbias(out: Ptr, X: Ptr, Wq: Ptr, ws: Ptr, B: Ptr, n: number, rows: number, cols: number): void;

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
    return new WasmRuntime(instance.exports as unknown as Kernels, build);
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
