// The native reference for seqattn's matrix kernels, one thread.
//   gcc -O3 -march=native -ffast-math -o kernel_ref bench/c/kernel_ref.c [-DHAVE_OPENBLAS -lopenblas] && ./kernel_ref [ms per sample]
// (bench/run.js compiles and runs it, with OpenBLAS when libopenblas-dev is installed.)
// f32: straightforward loops vectorised by the compiler (row-major, 4 rows at a time, and on seqattn's
//   packed layout); "blocked": intrinsics at the widest vector the machine has (AVX-512 or AVX2,
//   FMA), register-blocked 4 weight rows x 4 inputs; and OpenBLAS cblas_sgemv / cblas_sgemm with
//   openblas_set_num_threads(1), whose configuration and thread count are printed.
// int8: per-row int8 weights times 8-bit activations (u8 = p + 128, p in [-127, 127], the usual
//   u8 x s8 scheme with a row-sum correction), on the machine's integer dot product: AVX-512 VNNI
//   vpdpbusd (64 multiply-adds per instruction), else AVX-VNNI (32), else AVX2 vpmaddubsw + vpmaddwd;
//   register-blocked 4 rows x 4 inputs (1 input at batch 1), activations quantised inside the call.
// Prints one JSON object: median CPU seconds per call (this process's CPU time, so that other work
// on shared cores does not count), GFLOP/s (f32) or GMAC/s (int8) for the shapes of bench/kernels.js,
// and the machine's single-thread read bandwidth (a streaming sum over 512 MB).
#include <immintrin.h>
#include <stdint.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>

// out (rows) = W (rows, cols) x + b; 4 rows at a time so x is read once per 4 rows and the
// four sums are independent chains.
static void matvec(float *restrict out, const float *restrict W, const float *restrict x,
                   const float *restrict b, int rows, int cols) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *w0 = W + (size_t)r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int c = 0; c < cols; c++) {
      s0 += w0[c] * x[c];
      s1 += w1[c] * x[c];
      s2 += w2[c] * x[c];
      s3 += w3[c] * x[c];
    }
    out[r] = s0 + b[r];
    out[r + 1] = s1 + b[r + 1];
    out[r + 2] = s2 + b[r + 2];
    out[r + 3] = s3 + b[r + 3];
  }
  for (; r < rows; r++) {
    float s = 0;
    for (int c = 0; c < cols; c++) s += W[(size_t)r * cols + c] * x[c];
    out[r] = s + b[r];
  }
}

// out (n, rows) = X (n, cols) W^T + b: for each block of 4 weight rows (in L1), every input.
static void matmul(float *restrict out, const float *restrict X, const float *restrict W,
                   const float *restrict b, int n, int rows, int cols) {
  for (int r = 0; r + 4 <= rows; r += 4) {
    const float *w0 = W + (size_t)r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    for (int i = 0; i < n; i++) {
      const float *x = X + (size_t)i * cols;
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int c = 0; c < cols; c++) {
        s0 += w0[c] * x[c];
        s1 += w1[c] * x[c];
        s2 += w2[c] * x[c];
        s3 += w3[c] * x[c];
      }
      float *o = out + (size_t)i * rows + r;
      o[0] = s0 + b[r];
      o[1] = s1 + b[r + 1];
      o[2] = s2 + b[r + 2];
      o[3] = s3 + b[r + 3];
    }
  }
  // (rows % 4 tail omitted: every benchmarked shape has rows % 4 == 0)
}

// The same products on seqattn's packed layout (src/reference/kernels.ts packedIndex): each block of
// 4 rows is one stream, per 16 columns 16 floats of each of its rows in turn. Here cols % 16 == 0
// and rows % 4 == 0. Sixteen lanes per row: gcc keeps them in 2 ymm registers per row.
static void dot4_packed(float *restrict s, const float *restrict p, const float *restrict x, int cols) {
  float acc[4][16] = {{0}};
  for (int c = 0; c < cols; c += 16, p += 64)
    for (int q = 0; q < 4; q++)
      for (int t = 0; t < 16; t++) acc[q][t] += p[q * 16 + t] * x[c + t];
  for (int q = 0; q < 4; q++) {
    float v = 0;
    for (int t = 0; t < 16; t++) v += acc[q][t];
    s[q] = v;
  }
}

static void matvec_packed(float *restrict out, const float *restrict P, const float *restrict x,
                          const float *restrict b, int rows, int cols) {
  for (int r = 0; r < rows; r += 4) {
    float s[4];
    dot4_packed(s, P + (size_t)r * cols, x, cols);
    for (int q = 0; q < 4; q++) out[r + q] = s[q] + b[r + q];
  }
}

static void matmul_packed(float *restrict out, const float *restrict X, const float *restrict P,
                          const float *restrict b, int n, int rows, int cols) {
  for (int r = 0; r < rows; r += 4) {
    for (int i = 0; i < n; i++) {
      float s[4];
      dot4_packed(s, P + (size_t)r * cols, X + (size_t)i * cols, cols);
      for (int q = 0; q < 4; q++) out[(size_t)i * rows + r + q] = s[q] + b[r + q];
    }
  }
}

// ---- f32, intrinsics. V: floats per vector.
#if defined(__AVX512F__)
#define V 16
typedef __m512 vf;
#define vload _mm512_loadu_ps
#define vzero _mm512_setzero_ps
#define vfma _mm512_fmadd_ps
#define vsum _mm512_reduce_add_ps
#define F32_ISA "AVX-512F + FMA"
#else
#define V 8
typedef __m256 vf;
#define vload _mm256_loadu_ps
#define vzero _mm256_setzero_ps
#define vfma _mm256_fmadd_ps
static inline float vsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
#define F32_ISA "AVX2 + FMA"
#endif

// out (n, rows) = X (n, cols) W^T + b, W row-major, cols % V == 0, rows % 4 == 0: per 4 weight rows
// and 4 inputs, 16 vector accumulators; n = 1 takes 4 rows x 2 vectors (8 independent chains).
static void matmul_blocked(float *restrict out, const float *restrict X, const float *restrict W,
                           const float *restrict b, int n, int rows, int cols) {
  for (int r = 0; r < rows; r += 4) {
    const float *w0 = W + (size_t)r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      const float *x0 = X + (size_t)i * cols, *x1 = x0 + cols, *x2 = x1 + cols, *x3 = x2 + cols;
      vf a[4][4];
      for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) a[p][q] = vzero();
      for (int c = 0; c < cols; c += V) {
        vf u[4] = {vload(w0 + c), vload(w1 + c), vload(w2 + c), vload(w3 + c)};
        vf y[4] = {vload(x0 + c), vload(x1 + c), vload(x2 + c), vload(x3 + c)};
        for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) a[p][q] = vfma(u[p], y[q], a[p][q]);
      }
      for (int q = 0; q < 4; q++) for (int p = 0; p < 4; p++) out[(size_t)(i + q) * rows + r + p] = vsum(a[p][q]) + b[r + p];
    }
    for (; i < n; i++) {
      const float *x = X + (size_t)i * cols;
      vf a[4][2];
      for (int p = 0; p < 4; p++) a[p][0] = a[p][1] = vzero();
      int c = 0;
      for (; c + 2 * V <= cols; c += 2 * V) {
        vf y0 = vload(x + c), y1 = vload(x + c + V);
        a[0][0] = vfma(vload(w0 + c), y0, a[0][0]); a[0][1] = vfma(vload(w0 + c + V), y1, a[0][1]);
        a[1][0] = vfma(vload(w1 + c), y0, a[1][0]); a[1][1] = vfma(vload(w1 + c + V), y1, a[1][1]);
        a[2][0] = vfma(vload(w2 + c), y0, a[2][0]); a[2][1] = vfma(vload(w2 + c + V), y1, a[2][1]);
        a[3][0] = vfma(vload(w3 + c), y0, a[3][0]); a[3][1] = vfma(vload(w3 + c + V), y1, a[3][1]);
      }
      for (; c < cols; c += V) {
        vf y0 = vload(x + c);
        a[0][0] = vfma(vload(w0 + c), y0, a[0][0]); a[1][0] = vfma(vload(w1 + c), y0, a[1][0]);
        a[2][0] = vfma(vload(w2 + c), y0, a[2][0]); a[3][0] = vfma(vload(w3 + c), y0, a[3][0]);
      }
      for (int p = 0; p < 4; p++) out[(size_t)i * rows + r + p] = vsum(a[p][0]) + vsum(a[p][1]) + b[r + p];
    }
  }
}

// ---- int8. IW: int8 columns per vector; dpbusd(acc, u8, s8) adds 4 products into each i32 lane.
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define IW 64
typedef __m512i vi;
#define iload(p) _mm512_loadu_si512((const void *)(p))
#define izero _mm512_setzero_si512
#define dpbusd _mm512_dpbusd_epi32
#define isum _mm512_reduce_add_epi32
#define I8_ISA "AVX-512 VNNI (vpdpbusd zmm)"
#elif defined(__AVXVNNI__)
#define IW 32
typedef __m256i vi;
#define iload(p) _mm256_loadu_si256((const __m256i *)(p))
#define izero _mm256_setzero_si256
#define dpbusd _mm256_dpbusd_avx_epi32
#define I8_ISA "AVX-VNNI (vpdpbusd ymm)"
#else
#define IW 32
typedef __m256i vi;
#define iload(p) _mm256_loadu_si256((const __m256i *)(p))
#define izero _mm256_setzero_si256
static inline __m256i dpbusd(__m256i acc, __m256i u, __m256i w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, w), _mm256_set1_epi16(1)));
}
#define I8_ISA "AVX2 (vpmaddubsw + vpmaddwd)" // vpmaddubsw saturates pair sums above 32767: rare here, and the check below would fail
#endif
#if IW == 32
static inline int isum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}
#endif

static uint8_t *U8; // quantised inputs (n, cols)
static float T8[64];

// u (cols,) = round(x / t) + 128, t = max |x| / 127 (every cols here is a multiple of IW).
static float quantize_u8(uint8_t *restrict u, const float *restrict x, int cols) {
  float m = 0;
  for (int c = 0; c < cols; c++) m = fabsf(x[c]) > m ? fabsf(x[c]) : m;
  float inv = m > 0 ? 127 / m : 0;
  for (int c = 0; c < cols; c++) u[c] = (uint8_t)(lrintf(x[c] * inv) + 128);
  return m / 127;
}

// out (n, rows) = X (n, cols) (ws ⊙ Q)^T + b, Q (rows, cols) int8 row-major, k_r = Σ_c Q_rc.
static void matmul_i8(float *restrict out, const float *restrict X, const int8_t *restrict Q, const float *restrict ws,
                      const int32_t *restrict k, const float *restrict b, int n, int rows, int cols) {
  for (int i = 0; i < n; i++) T8[i] = quantize_u8(U8 + (size_t)i * cols, X + (size_t)i * cols, cols);
  for (int r = 0; r < rows; r += 4) {
    const int8_t *w0 = Q + (size_t)r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      const uint8_t *x0 = U8 + (size_t)i * cols, *x1 = x0 + cols, *x2 = x1 + cols, *x3 = x2 + cols;
      vi a[4][4];
      for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) a[p][q] = izero();
      for (int c = 0; c < cols; c += IW) {
        vi u[4] = {iload(w0 + c), iload(w1 + c), iload(w2 + c), iload(w3 + c)};
        vi y[4] = {iload(x0 + c), iload(x1 + c), iload(x2 + c), iload(x3 + c)};
        for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) a[p][q] = dpbusd(a[p][q], y[q], u[p]);
      }
      for (int q = 0; q < 4; q++) for (int p = 0; p < 4; p++)
        out[(size_t)(i + q) * rows + r + p] = (float)(isum(a[p][q]) - 128 * k[r + p]) * ws[r + p] * T8[i + q] + b[r + p];
    }
    for (; i < n; i++) {
      const uint8_t *x = U8 + (size_t)i * cols;
      vi a[4][2];
      for (int p = 0; p < 4; p++) a[p][0] = a[p][1] = izero();
      int c = 0;
      for (; c + 2 * IW <= cols; c += 2 * IW) {
        vi y0 = iload(x + c), y1 = iload(x + c + IW);
        a[0][0] = dpbusd(a[0][0], y0, iload(w0 + c)); a[0][1] = dpbusd(a[0][1], y1, iload(w0 + c + IW));
        a[1][0] = dpbusd(a[1][0], y0, iload(w1 + c)); a[1][1] = dpbusd(a[1][1], y1, iload(w1 + c + IW));
        a[2][0] = dpbusd(a[2][0], y0, iload(w2 + c)); a[2][1] = dpbusd(a[2][1], y1, iload(w2 + c + IW));
        a[3][0] = dpbusd(a[3][0], y0, iload(w3 + c)); a[3][1] = dpbusd(a[3][1], y1, iload(w3 + c + IW));
      }
      for (; c < cols; c += IW) {
        vi y0 = iload(x + c);
        for (int p = 0; p < 4; p++) a[p][0] = dpbusd(a[p][0], y0, iload(Q + (size_t)(r + p) * cols + c));
      }
      for (int p = 0; p < 4; p++)
        out[(size_t)i * rows + r + p] = (float)(isum(a[p][0]) + isum(a[p][1]) - 128 * k[r + p]) * ws[r + p] * T8[i] + b[r + p];
    }
  }
}

static float stream_sum(const float *restrict a, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; i++) s += a[i];
  return s;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); // CPU time: other processes on shared cores do not count
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

volatile float sink;

static float *randoms(size_t n, unsigned *seed) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; i < n; i++) {
    *seed = *seed * 1664525u + 1013904223u;
    p[i] = ((*seed >> 8) / 16777216.0f - 0.5f) * 0.2f;
  }
  return p;
}

#define SAMPLES 21

enum { PLAIN, PACKED, BLOCKED, OPENBLAS, INT8, KINDS };
static const char *NAMES[KINDS][2] = {{"matvec", "matmul"}, {"matvec_packed", "matmul_packed"}, {"matvec_blocked", "matmul_blocked"},
                                      {"openblas_sgemv", "openblas_sgemm"}, {"matvec_i8", "matmul_i8"}};

typedef struct { float *W, *X, *b, *out, *ws; int8_t *Q; int32_t *k; } Args;

static void call(int kind, const Args *a, int n, int rows, int cols) {
  switch (kind) {
  case PLAIN: if (n == 1) matvec(a->out, a->W, a->X, a->b, rows, cols); else matmul(a->out, a->X, a->W, a->b, n, rows, cols); break;
  case PACKED: if (n == 1) matvec_packed(a->out, a->W, a->X, a->b, rows, cols); else matmul_packed(a->out, a->X, a->W, a->b, n, rows, cols); break;
  case BLOCKED: matmul_blocked(a->out, a->X, a->W, a->b, n, rows, cols); break;
#ifdef HAVE_OPENBLAS
  case OPENBLAS: // out (n, rows) = X W^T + b: copy b in, then beta = 1
    for (int i = 0; i < n; i++) memcpy(a->out + (size_t)i * rows, a->b, rows * sizeof(float));
    if (n == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, cols, 1.0f, a->W, cols, a->X, 1, 1.0f, a->out, 1);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, rows, cols, 1.0f, a->X, cols, a->W, cols, 1.0f, a->out, rows);
    break;
#endif
  case INT8: matmul_i8(a->out, a->X, a->Q, a->ws, a->k, a->b, n, rows, cols); break;
  }
}

// Median seconds per call; first checks the kernel against plain double-precision loops (int8: against
// the f32 product, within the quantisation error). Returns -1 if the check fails.
static double time_kernel(int kind, int n, int rows, int cols, double target) {
  unsigned seed = 12345;
  Args a;
  a.W = randoms((size_t)rows * cols, &seed); a.X = randoms((size_t)n * cols, &seed);
  a.b = randoms(rows, &seed); a.out = randoms((size_t)n * rows, &seed);
  a.Q = aligned_alloc(64, (size_t)rows * cols); a.ws = aligned_alloc(64, rows * sizeof(float)); a.k = aligned_alloc(64, rows * sizeof(int32_t));
  for (int r = 0; r < rows; r++) { // per-row symmetric int8, as seqattn quantises at load
    float m = 0;
    for (int c = 0; c < cols; c++) m = fabsf(a.W[(size_t)r * cols + c]) > m ? fabsf(a.W[(size_t)r * cols + c]) : m;
    a.ws[r] = m / 127;
    a.k[r] = 0;
    for (int c = 0; c < cols; c++) {
      a.Q[(size_t)r * cols + c] = (int8_t)lrintf(m > 0 ? a.W[(size_t)r * cols + c] / a.ws[r] : 0);
      a.k[r] += a.Q[(size_t)r * cols + c];
    }
  }
  float *P = NULL;
  if (kind == PACKED) { // seqattn's packed layout (src/reference/kernels.ts packedIndex): blocks of 4 rows, 16 columns of each in turn
    P = aligned_alloc(64, (size_t)rows * cols * sizeof(float));
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) P[(size_t)(r / 4) * 4 * cols + (c / 16) * 64 + (r % 4) * 16 + c % 16] = a.W[(size_t)r * cols + c];
    float *t = a.W; a.W = P; P = t;
  }
  call(kind, &a, n, rows, cols);
  double err = 0, mx = 0;
  for (int i = 0; i < n; i++) for (int r = 0; r < rows; r++) {
    const float *w = (kind == PACKED ? P : a.W) + (size_t)r * cols;
    double want = a.b[r];
    for (int c = 0; c < cols; c++) want += (double)w[c] * a.X[(size_t)i * cols + c];
    double d = fabs(a.out[(size_t)i * rows + r] - want);
    err = d > err ? d : err;
    mx = fabs(want) > mx ? fabs(want) : mx;
  }
  int ok = err / (1 + mx) < (kind == INT8 ? 2e-2 : 1e-4);
  if (!ok) fprintf(stderr, "%s n=%d %dx%d: error %g\n", NAMES[kind][n > 1], n, rows, cols, err);
  double t0 = now();
  int reps = 0;
  do {
    call(kind, &a, n, rows, cols);
    reps++;
  } while (now() - t0 < target / 4);
  reps = reps * 4 > 1 ? reps * 4 : 1;
  double s[SAMPLES];
  for (int k = 0; k < SAMPLES; k++) {
    double t = now();
    for (int r = 0; r < reps; r++) call(kind, &a, n, rows, cols);
    s[k] = (now() - t) / reps;
    sink = a.out[k % rows];
  }
  qsort(s, SAMPLES, sizeof(double), cmp);
  free(a.W); free(a.X); free(a.b); free(a.out); free(a.Q); free(a.ws); free(a.k); free(P);
  return ok ? s[SAMPLES / 2] : -1;
}

int main(int argc, char **argv) {
  double target = (argc > 1 ? atof(argv[1]) : 20) * 1e-3;
  static const int shapes[][2] = {{768, 256}, {1536, 1024}, {8000, 512}};
  U8 = aligned_alloc(64, 16 * 1024);
  int kinds = KINDS;
#ifdef HAVE_OPENBLAS
  openblas_set_num_threads(1);
  printf("{\"openblas\": {\"config\": \"%s\", \"threads\": %d, \"corename\": \"%s\"},\n", openblas_get_config(), openblas_get_num_threads(), openblas_get_corename());
#else
  printf("{\"openblas\": null,\n");
#endif
  printf(" \"f32_isa\": \"%s\", \"int8_isa\": \"%s\", \"kernels\": [", F32_ISA, I8_ISA);
  int first = 1;
  for (int sh = 0; sh < 3; sh++) {
    for (int kind = 0; kind < kinds; kind++) for (int n = 1; n <= 16; n += 15) {
#ifndef HAVE_OPENBLAS
      if (kind == OPENBLAS) continue;
#endif
      int rows = shapes[sh][0], cols = shapes[sh][1];
      double sec = time_kernel(kind, n, rows, cols, target);
      if (sec < 0) continue;
      double ops = (double)n * rows * cols / sec * 1e-9;
      printf("%s\n  {\"kernel\": \"%s\", \"n\": %d, \"rows\": %d, \"cols\": %d, \"seconds\": %.6e, \"%s\": %.3f}",
             first ? "" : ",", NAMES[kind][n > 1], n, rows, cols, sec, kind == INT8 ? "gmacs" : "gflops", kind == INT8 ? ops : 2 * ops);
      first = 0;
      fflush(stdout);
    }
  }
  // Read bandwidth: a streaming sum over 512 MB (far beyond the caches), median of 7.
  size_t N = (size_t)128 << 20;
  unsigned seed = 7;
  float *a = randoms(N, &seed);
  double bw[7];
  for (int k = 0; k < 7; k++) {
    double t = now();
    sink = stream_sum(a, N);
    bw[k] = N * sizeof(float) / (now() - t) * 1e-9;
  }
  qsort(bw, 7, sizeof(double), cmp);
  free(a);
  printf("],\n \"read_gb_per_s\": %.3f, \"read_bytes\": %zu}\n", bw[3], N * sizeof(float));
  return 0;
}
