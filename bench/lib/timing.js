// Timing side by side: every case runs in every round, in a rotating order, so a neighbour's load
// slows all of them alike; each call is timed on its own and the medians of all calls compared.
// Calls are timed in this process's CPU time (user + system, every thread: every peer runs one
// compute thread), so other processes on shared cores do not count; the wall time is kept beside it.

/** Milliseconds of this process's CPU time. */
export const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Warms fn() up until its times settle: calls it (awaiting each result) until the median of the last
 * `k` calls is within `tol` (relative) of the median of the `k` before them, at least `min` calls,
 * at most `max` calls or `maxMs` milliseconds (a JIT that tiers up late, or onnxruntime-web, which
 * needs ~40 calls, keeps going; a flat one stops after 2k). Returns { calls, settled, ms } so the
 * report can say how each peer was warmed.
 */
export async function warmup(fn, { k = 5, tol = 0.03, min = 10, max = 300, maxMs = 20000 } = {}) {
  const times = [];
  const start = performance.now();
  for (;;) {
    const t0 = cpuNow();
    await fn();
    times.push(cpuNow() - t0);
    const n = times.length;
    if (n >= Math.max(min, 2 * k)) {
      const last = median(times.slice(n - k)), before = median(times.slice(n - 2 * k, n - k));
      if (Math.abs(last - before) <= tol * before) return { calls: n, settled: true, ms: performance.now() - start };
    }
    if (n >= max || performance.now() - start >= maxMs) return { calls: n, settled: false, ms: performance.now() - start };
  }
}

/**
 * One round: each case (rotated by `round`) runs for about `ms` milliseconds (at least `minCalls`
 * calls); the milliseconds of each call are appended to samples[case.key].
 */
export async function timeRound(cases, samples, { round = 0, ms = 500, minCalls = 2, wall = null } = {}) {
  const order = cases.map((_, i) => cases[(i + round) % cases.length]);
  for (const c of order) {
    const list = (samples[c.key] ??= []);
    const walls = wall ? (wall[c.key] ??= []) : null;
    const end = cpuNow() + ms;
    let calls = 0;
    while (calls < minCalls || cpuNow() < end) {
      const w0 = performance.now(), t0 = cpuNow();
      await c.fn();
      list.push(cpuNow() - t0);
      walls?.push(performance.now() - w0);
      calls++;
    }
  }
}
