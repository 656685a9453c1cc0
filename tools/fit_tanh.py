#!/usr/bin/env python3
"""The rational approximation of tanh in src/GruTiny/Kernels/VectorMath.cs, and how it was found.

tanh x ~= x * P(x^2) / Q(x^2) on |x| <= 9 (beyond 9, tanh x rounds to +-1 in float32), with P of degree 5 and Q of
degree 4 in x^2 (q0 = 1): fitted for the smallest largest relative error by linearised least squares (Loeb) with
Lawson's reweighting, in float64 against mpmath's tanh, in the scaled variable u = x^2 / 81 (better conditioned),
then converted to powers of x^2 and rounded to float32. Prints the coefficients as C# literals and the largest
error of a float32 evaluation (numpy, without fused multiply-adds; the kernels' fused evaluation is tested in
tests/GruTiny.Tests/Runtime/KernelTests.cs).

    /usr/bin/python3 tools/fit_tanh.py          (numpy and mpmath: Debian's python3-numpy and python3-mpmath)
"""
import mpmath as mp
import numpy as np

LIMIT = 9.0
P_DEGREE, Q_DEGREE = 5, 4


def main():
    mp.mp.dps = 30
    x = np.concatenate([np.linspace(1e-4, 1, 4000), np.linspace(1, LIMIT, 8000)])
    u = x * x / (LIMIT * LIMIT)
    exact = np.array([float(mp.tanh(mp.mpf(v))) for v in x])
    f = exact / x  # tanh x / x, a smooth function of x^2

    weights, q_previous, best = np.ones_like(u), np.ones_like(u), None
    for _ in range(200):
        columns = [u ** k for k in range(P_DEGREE + 1)] + [-f * u ** k for k in range(1, Q_DEGREE + 1)]
        scale = np.sqrt(weights) / (f * q_previous)
        solution, *_ = np.linalg.lstsq(np.vstack(columns).T * scale[:, None], f * scale, rcond=None)
        p, q = solution[:P_DEGREE + 1], np.concatenate([[1.0], solution[P_DEGREE + 1:]])
        q_previous = np.polyval(q[::-1], u)
        error = (np.polyval(p[::-1], u) / q_previous - f) / f
        if best is None or np.max(np.abs(error)) < best[0]:
            best = (np.max(np.abs(error)), p.copy(), q.copy())
        weights = weights * (np.abs(error) + 1e-30)
        weights /= weights.sum()

    fit_error, p, q = best
    p32 = np.array([p[k] / LIMIT ** (2 * k) for k in range(P_DEGREE + 1)], dtype=np.float32)
    q32 = np.array([q[k] / LIMIT ** (2 * k) for k in range(Q_DEGREE + 1)], dtype=np.float32)
    print(f"largest relative error of the fit (float64): {fit_error:.3g}")
    print("P:", ", ".join(f"{float(c)!r}f" for c in p32))
    print("Q:", ", ".join(f"{float(c)!r}f" for c in q32))

    xs = x.astype(np.float32)
    t = xs * xs
    num, den = np.float32(p32[-1]), np.float32(q32[-1])
    for c in p32[-2::-1]:
        num = (num * t + c).astype(np.float32)
    for c in q32[-2::-1]:
        den = (den * t + c).astype(np.float32)
    y = ((xs * num).astype(np.float32) / den).astype(np.float32)
    print(f"largest absolute error in float32 (unfused): {np.max(np.abs(y - exact)):.3g}")


if __name__ == "__main__":
    main()
