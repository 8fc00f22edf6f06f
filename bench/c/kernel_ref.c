// The native reference for seqattn's f32 kernels: straightforward C, vectorised by the compiler.
//   gcc -O3 -march=native -ffast-math -o kernel_ref bench/c/kernel_ref.c && ./kernel_ref [ms per sample]
// (bench/run.js compiles and runs it.) -ffast-math lets gcc split each dot product's reduction
// into SIMD lanes (AVX2 + FMA here: 8 floats per instruction, against Wasm SIMD's 4).
// Kernels: row-major (4 rows at a time) and on seqattn's packed layout (4-row interleaved blocks).
// Prints one JSON object: median seconds per call and GFLOP/s for the shapes of bench/kernels.js,
// and the machine's single-thread read bandwidth (a streaming sum over 512 MB).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static float stream_sum(const float *restrict a, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; i++) s += a[i];
  return s;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
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

// Median over SAMPLES samples of the seconds per call, each sample ~target seconds of calls.
static void call(int packed, float *out, const float *X, const float *W, const float *b, int n, int rows, int cols) {
  if (packed) {
    if (n == 1) matvec_packed(out, W, X, b, rows, cols); else matmul_packed(out, X, W, b, n, rows, cols);
  } else {
    if (n == 1) matvec(out, W, X, b, rows, cols); else matmul(out, X, W, b, n, rows, cols);
  }
}

// (The weights are random either way: the packed layout's timing does not depend on their order.)
static double time_kernel(int packed, int n, int rows, int cols, double target) {
  unsigned seed = 12345;
  float *W = randoms((size_t)rows * cols, &seed), *X = randoms((size_t)n * cols, &seed);
  float *b = randoms(rows, &seed), *out = randoms((size_t)n * rows, &seed);
  double t0 = now();
  int reps = 0;
  do {
    call(packed, out, X, W, b, n, rows, cols);
    reps++;
  } while (now() - t0 < target / 4);
  reps = reps * 4 > 1 ? reps * 4 : 1;
  double s[SAMPLES];
  for (int k = 0; k < SAMPLES; k++) {
    double a = now();
    for (int r = 0; r < reps; r++) call(packed, out, X, W, b, n, rows, cols);
    s[k] = (now() - a) / reps;
    sink = out[k % rows];
  }
  qsort(s, SAMPLES, sizeof(double), cmp);
  free(W); free(X); free(b); free(out);
  return s[SAMPLES / 2];
}

int main(int argc, char **argv) {
  double target = (argc > 1 ? atof(argv[1]) : 20) * 1e-3;
  static const int shapes[][2] = {{768, 256}, {1536, 1024}, {8000, 512}};
  printf("{\"kernels\": [");
  int first = 1;
  for (int s = 0; s < 3; s++) {
    for (int packed = 0; packed < 2; packed++) for (int n = 1; n <= 16; n += 15) {
      int rows = shapes[s][0], cols = shapes[s][1];
      double sec = time_kernel(packed, n, rows, cols, target);
      printf("%s\n  {\"kernel\": \"%s\", \"n\": %d, \"rows\": %d, \"cols\": %d, \"seconds\": %.6e, \"gflops\": %.3f}",
             first ? "" : ",", n == 1 ? (packed ? "matvec_packed" : "matvec") : (packed ? "matmul_packed" : "matmul"),
             n, rows, cols, sec, 2.0 * n * rows * cols / sec * 1e-9);
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
