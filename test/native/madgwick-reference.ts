/**
 * Madgwick's filter transcribed in matrix form from the report (S. O. H. Madgwick, "An efficient
 * orientation filter for inertial and inertial/magnetic sensor arrays", 2010): objective functions
 * f_g, f_b (eqs 25, 29), Jacobians J_g, J_b (eqs 26, 30), ∇f = Jᵀf (eq 34), reference field
 * b = [0, √(hx² + hy²), 0, hz] with h = q ⊗ m ⊗ q* (eqs 45–46), update q̇ = ½ q ⊗ ω − β ∇f/‖∇f‖
 * (eqs 42–44). Written independently of the Rust code, as the reference for the MARG step (the
 * `ahrs` npm package halves b, so it cannot be the reference there).
 */
type Q = [number, number, number, number];

function mul(a: Q, b: Q): Q {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
  ];
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Jᵀ f for a 3×4 Jacobian `j` and residual `f`. */
function jtf(j: number[][], f: number[]): number[] {
  return [0, 1, 2, 3].map((i) => j.reduce((s, row, r) => s + (row[i] as number) * (f[r] as number), 0));
}

/** One filter step on `q` (mutated): gyro rad/s, accel and optional mag in any unit, dt s. */
export function madgwickReportStep(q: Q, gyro: readonly number[], accel: readonly number[], mag: readonly number[] | undefined, beta: number, dt: number): void {
  const [q1, q2, q3, q4] = q; // the report's q1..q4 = w, x, y, z
  const qDot = mul(q, [0, gyro[0] as number, gyro[1] as number, gyro[2] as number]).map((v) => 0.5 * v);
  const [ax, ay, az] = unit([...accel]) as [number, number, number];
  const fg = [2 * (q2 * q4 - q1 * q3) - ax, 2 * (q1 * q2 + q3 * q4) - ay, 2 * (0.5 - q2 * q2 - q3 * q3) - az];
  const jg = [
    [-2 * q3, 2 * q4, -2 * q1, 2 * q2],
    [2 * q2, 2 * q1, 2 * q4, 2 * q3],
    [0, -4 * q2, -4 * q3, 0],
  ];
  let grad = jtf(jg, fg);
  if (mag !== undefined) {
    const m = unit([...mag]);
    const h = mul(mul(q, [0, m[0] as number, m[1] as number, m[2] as number]), [q1, -q2, -q3, -q4]);
    const bx = Math.hypot(h[1], h[2]);
    const bz = h[3];
    const [mx, my, mz] = m as [number, number, number];
    const fb = [
      2 * bx * (0.5 - q3 * q3 - q4 * q4) + 2 * bz * (q2 * q4 - q1 * q3) - mx,
      2 * bx * (q2 * q3 - q1 * q4) + 2 * bz * (q1 * q2 + q3 * q4) - my,
      2 * bx * (q1 * q3 + q2 * q4) + 2 * bz * (0.5 - q2 * q2 - q3 * q3) - mz,
    ];
    const jb = [
      [-2 * bz * q3, 2 * bz * q4, -4 * bx * q3 - 2 * bz * q1, -4 * bx * q4 + 2 * bz * q2],
      [-2 * bx * q4 + 2 * bz * q2, 2 * bx * q3 + 2 * bz * q1, 2 * bx * q2 + 2 * bz * q4, -2 * bx * q1 + 2 * bz * q3],
      [2 * bx * q3, 2 * bx * q4 - 4 * bz * q2, 2 * bx * q1 - 4 * bz * q3, 2 * bx * q2],
    ];
    const gb = jtf(jb, fb);
    grad = grad.map((g, i) => g + (gb[i] as number));
  }
  const norm = Math.hypot(...grad);
  for (let i = 0; i < 4; i++) {
    const step = norm > 0 ? (beta * (grad[i] as number)) / norm : 0;
    q[i] = (q[i] as number) + ((qDot[i] as number) - step) * dt;
  }
  const n = Math.hypot(...q);
  for (let i = 0; i < 4; i++) q[i] = (q[i] as number) / n;
}

/** Rotation angle between two unit quaternions, degrees (sign-insensitive). */
export function angleDeg(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.abs((a[0] as number) * (b[0] as number) + (a[1] as number) * (b[1] as number) + (a[2] as number) * (b[2] as number) + (a[3] as number) * (b[3] as number));
  return (2 * Math.acos(Math.min(1, d)) * 180) / Math.PI;
}

/** Gravity direction (world up) seen in the body frame: the third row of R(q). */
export function upInBody(q: ArrayLike<number>): [number, number, number] {
  const [w, x, y, z] = [q[0], q[1], q[2], q[3]] as [number, number, number, number];
  return [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)];
}
