"""Fits the odd rational tanh(x) ~ x P(x^2) / Q(x^2) used by tanh4 in assembly/simd.ts.

Loeb's linearisation (y Q - x P = 0, reweighted by 1/Q) with Lawson's error reweighting, iterated
toward the minimax fit on [0, 9] (tanh(9) rounds to 1 in f32, so the kernel clamps |x| to 9),
then evaluated the way the kernel does (f32 coefficients, f32 Estrin arithmetic) on a fine grid.

    /usr/bin/python3 tools/fit_tanh.py            # prints coefficients and max errors
"""
import numpy as np

X = 9.0


def fit(n_p, n_q, iters=200):
    x = np.unique(np.concatenate([np.linspace(0, X, 30000), np.linspace(0, 1.5, 10000)]))
    t = (x / X) ** 2  # the fit runs in t = (x/9)^2 in [0, 1] to keep the system well conditioned
    y = np.tanh(x)
    w = np.ones_like(x)
    best = None
    for _ in range(iters):
        A = np.concatenate([np.stack([x * t**k for k in range(n_p)], 1),
                            np.stack([-y * t**k for k in range(1, n_q + 1)], 1)], 1)
        coef, *_ = np.linalg.lstsq(A * w[:, None], y * w, rcond=None)
        p, q = coef[:n_p], np.concatenate([[1.0], coef[n_p:]])
        Q = np.polyval(q[::-1], t)
        err = x * np.polyval(p[::-1], t) / Q - y
        m = np.abs(err).max()
        if best is None or m < best[0]:
            best = (m, p.copy(), q.copy())
        w = w * (np.abs(err) / m + 1e-3) ** 0.3 / np.abs(Q) ** 0.3
        w /= w.max()
    m, p, q = best
    # back to powers of s = x^2
    return m, [p[k] / X ** (2 * k) for k in range(n_p)], [q[k] / X ** (2 * k) for k in range(n_q + 1)]


def estrin_f32(c, s, s2):
    """c0 + c1 s + s^2 (c2 + c3 s + s^2 c4) in f32, as the kernel evaluates it (5 coefficients)."""
    f = np.float32
    lo = (f(c[0]) + (f(c[1]) * s).astype(f)).astype(f)
    hi = (f(c[2]) + (f(c[3]) * s).astype(f)).astype(f)
    hi = (hi + (s2 * f(c[4])).astype(f)).astype(f)
    return (lo + (s2 * hi).astype(f)).astype(f)


def kernel_f32(p, q, x):
    f = np.float32
    c = np.clip(x, f(-X), f(X)).astype(f)
    s = (c * c).astype(f)
    s2 = (s * s).astype(f)
    r = ((c * estrin_f32(p, s, s2)).astype(f) / estrin_f32(q, s, s2)).astype(f)
    return np.clip(r, f(-1), f(1))


if __name__ == '__main__':
    m, p, q = fit(5, 4)
    x = np.concatenate([np.linspace(-12, 12, 2_000_001), np.linspace(-1e-3, 1e-3, 20001)]).astype(np.float32)
    got = kernel_f32(p, q, x).astype(np.float64)
    ref = np.tanh(x.astype(np.float64))
    nz = np.abs(x) > 1e-30
    print(f'f64 fit max abs error {m:.3g}')
    print(f'f32 kernel arithmetic: max abs error {np.abs(got - ref).max():.3g}, '
          f'max rel error {np.abs((got - ref)[nz] / ref[nz]).max():.3g}')
    print('P', ', '.join(f'{float(np.float32(c))!r}' for c in p))
    print('Q', ', '.join(f'{float(np.float32(c))!r}' for c in q))
