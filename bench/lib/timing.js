// Timing side by side: every case runs in every round, in a rotating order, so a neighbour's load
// slows all of them alike; each call is timed on its own and the medians of all calls compared.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Calls fn() `times` times (awaiting each result) to warm it up. */
export async function warmup(fn, times = 3) {
  for (let i = 0; i < times; i++) await fn();
}

/**
 * One round: each case (rotated by `round`) runs for about `ms` milliseconds (at least `minCalls`
 * calls); the milliseconds of each call are appended to samples[case.key].
 */
export async function timeRound(cases, samples, { round = 0, ms = 500, minCalls = 2 } = {}) {
  const order = cases.map((_, i) => cases[(i + round) % cases.length]);
  for (const c of order) {
    const list = (samples[c.key] ??= []);
    const end = performance.now() + ms;
    let calls = 0;
    while (calls < minCalls || performance.now() < end) {
      const t0 = performance.now();
      await c.fn();
      list.push(performance.now() - t0);
      calls++;
    }
  }
}
