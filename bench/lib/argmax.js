/** Index of the largest of x[from .. from + n) minus `from` (first on ties). */
export function argmax(x, from = 0, n = x.length - from) {
  let best = 0;
  let bestValue = x[from];
  for (let i = 1; i < n; i++) {
    if (x[from + i] > bestValue) { bestValue = x[from + i]; best = i; }
  }
  return best;
}
