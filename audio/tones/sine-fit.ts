/**
 * Least-squares fit of a sum of sines with known frequencies to a block of
 * samples: x[n] ≈ Σ a_k·cos(ω_k n) + b_k·sin(ω_k n), n the absolute sample
 * index (so fits of different blocks share one time origin and their phases
 * compare). Unlike a DFT bin, the fit separates components closer than the
 * block's resolution (e.g. 413 and 438 Hz in a 90 ms burst).
 */

export interface SineFit {
  /** Cosine and sine coefficients per frequency. */
  readonly a: Float64Array;
  readonly b: Float64Array;
}

/** Amplitude of component k. */
export function fitAmplitude(fit: SineFit, k: number): number {
  return Math.hypot(fit.a[k] ?? 0, fit.b[k] ?? 0);
}

/** Phase θ_k of component k, written as A·cos(ω n − θ). */
export function fitPhase(fit: SineFit, k: number): number {
  return Math.atan2(fit.b[k] ?? 0, fit.a[k] ?? 0);
}

/** The fitted signal at sample index n. */
export function fitValue(fit: SineFit, omegas: readonly number[], n: number): number {
  let v = 0;
  for (let k = 0; k < omegas.length; k++) {
    const w = (omegas[k] ?? 0) * n;
    v += (fit.a[k] ?? 0) * Math.cos(w) + (fit.b[k] ?? 0) * Math.sin(w);
  }
  return v;
}

/** Fits samples[start, end) with angular frequencies `omegas` (rad/sample). */
export function fitSines(samples: ArrayLike<number>, start: number, end: number, omegas: readonly number[]): SineFit {
  const k = omegas.length;
  const m = 2 * k;
  const gram = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  const basis = new Float64Array(m);
  for (let n = start; n < end; n++) {
    for (let i = 0; i < k; i++) {
      const w = (omegas[i] ?? 0) * n;
      basis[2 * i] = Math.cos(w);
      basis[2 * i + 1] = Math.sin(w);
    }
    const x = samples[n] ?? 0;
    for (let r = 0; r < m; r++) {
      const br = basis[r] ?? 0;
      rhs[r] = (rhs[r] ?? 0) + br * x;
      for (let c = r; c < m; c++) gram[r * m + c] = (gram[r * m + c] ?? 0) + br * (basis[c] ?? 0);
    }
  }
  for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) gram[r * m + c] = gram[c * m + r] ?? 0;
  const sol = solveLinear(gram, rhs, m);
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    a[i] = sol[2 * i] ?? 0;
    b[i] = sol[2 * i + 1] ?? 0;
  }
  return { a, b };
}

/**
 * Solves mat·x = rhs (m×m, row-major; both are overwritten) by Gauss–Jordan
 * elimination with partial pivoting; a singular direction gets 0.
 */
export function solveLinear(mat: Float64Array, rhs: Float64Array, m: number): Float64Array {
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(mat[i * m + i] ?? 0));
  const tiny = scale * 1e-12;
  const cols: number[] = [];
  for (let col = 0, row = 0; col < m && row < m; col++) {
    let piv = row;
    for (let r = row + 1; r < m; r++) if (Math.abs(mat[r * m + col] ?? 0) > Math.abs(mat[piv * m + col] ?? 0)) piv = r;
    if (Math.abs(mat[piv * m + col] ?? 0) <= tiny) continue;
    if (piv !== row) {
      for (let c = 0; c < m; c++) {
        const t = mat[row * m + c] ?? 0;
        mat[row * m + c] = mat[piv * m + c] ?? 0;
        mat[piv * m + c] = t;
      }
      const t = rhs[row] ?? 0;
      rhs[row] = rhs[piv] ?? 0;
      rhs[piv] = t;
    }
    const p = mat[row * m + col] ?? 1;
    for (let r = 0; r < m; r++) {
      if (r === row) continue;
      const f = (mat[r * m + col] ?? 0) / p;
      if (f === 0) continue;
      for (let c = col; c < m; c++) mat[r * m + c] = (mat[r * m + c] ?? 0) - f * (mat[row * m + c] ?? 0);
      rhs[r] = (rhs[r] ?? 0) - f * (rhs[row] ?? 0);
    }
    cols[row] = col;
    row++;
  }
  const out = new Float64Array(m);
  for (let row = 0; row < cols.length; row++) {
    const col = cols[row] ?? 0;
    out[col] = (rhs[row] ?? 0) / (mat[row * m + col] ?? 1);
  }
  return out;
}
