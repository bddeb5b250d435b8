//! SLAM features: long-lived landmarks kept in the filter state beside the MSCKF clones — the
//! hybrid MSCKF/EKF-SLAM estimator of Li & Mourikis ("Optimization-based estimator design for
//! vision-aided inertial navigation", RSS 2012; IJRR 2013 §III-E) in the form OpenVINS uses
//! (Geneva et al., ICRA 2020 §IV-C, `StateHelper::initialize` and `UpdaterSLAM`).
//!
//! A track still alive when the clone window slides past its first observation is not spent in an
//! MSCKF update: it is triangulated and added to the state (global XYZ, world frame, m). Its
//! stacked residual `r = H_x δx + H_f δf + n` is split by the QR of `H_f = Q [R₁; 0]`: the top three
//! rows initialise the feature (`f ← f̂ + R₁⁻¹ r₁`, `P_xf = −P H_x1ᵀ R₁⁻ᵀ`,
//! `P_ff = R₁⁻¹ (H_x1 P H_x1ᵀ + σ² I) R₁⁻ᵀ`), the other `2m − 3` rows (the null space of `H_f`) update
//! the state as an MSCKF feature would. Afterwards each frame that sees the feature updates the
//! state with its 2-D reprojection residual in the newest clone (standard EKF-SLAM). A feature the
//! front end loses, or whose residual fails the chi-square gate, is marginalised (deleted).
//!
//! Why: MSCKF tracks constrain the pose only over the clone window (0.55 s at 20 Hz), so rotation
//! and position drift as a random walk between windows; a landmark seen for seconds ties every
//! pose that sees it to the same point, which is what keeps world-locked content in place.

use crate::chi2::chi2_quantile;
use crate::msckf::{ekf_update, views_of, Track, UpdateModel};
use crate::state::{FilterState, SlamFeature, SLAM_DIM};
use crate::triangulate::{projection, triangulate};
use karana_tracking::lie::so3::hat;
use nalgebra::{DMatrix, Matrix2, Matrix2x3, Matrix3, Vector2, Vector3};

/// Counts of one frame's SLAM work.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SlamStats {
    /// Features in the state after the frame.
    pub features: u32,
    /// Features that updated the state this frame.
    pub updated: u32,
    pub initialized: u32,
    /// Features removed for failing the gate this frame.
    pub rejected: u32,
}

/// Jacobians of one observation w.r.t. the clone's `δθ`, `δp` and the point (2×3 each), and the
/// residual `xy − π(p_C)` (normalised units).
type Observed = (Matrix2x3<f64>, Matrix2x3<f64>, Matrix2x3<f64>, Vector2<f64>);

/// Measurement Jacobians of a world point `pf` seen from clone `i` ([`Observed`]); None behind the
/// camera.
fn observe(
    state: &FilterState,
    i: usize,
    pf: &Vector3<f64>,
    xy: &Vector2<f64>,
    model: &UpdateModel,
) -> Option<Observed> {
    let c = &state.clones[i];
    let p_i = c.r_w_i.transpose() * (pf - c.p_w_i);
    let pc = model.r_i_c.transpose() * (p_i - model.p_i_c);
    if pc.z < model.limits.min_depth_m {
        return None;
    }
    let (jp, res) = projection(&pc, xy);
    let jc = jp * model.r_i_c.transpose();
    let h_f = jc * c.r_w_i.transpose();
    Some((jc * hat(&p_i), -h_f, h_f, res))
}

/// EKF update with the newest clone's observation of each SLAM feature `(index in state.slam, xy)`;
/// features failing the 2-dof chi-square gate are returned (indices) for removal, not used.
pub fn update(
    state: &mut FilterState,
    seen: &[(usize, Vector2<f64>)],
    model: &UpdateModel,
    stats: &mut SlamStats,
) -> Vec<usize> {
    let Some(i) = state.clones.len().checked_sub(1) else {
        return Vec::new();
    };
    let dim = state.dim();
    let ci = FilterState::clone_col(i);
    let gate = chi2_quantile(2, model.chi2_quantile);
    let (mut h, mut r, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
    for &(j, xy) in seen {
        let cf = state.slam_col(j);
        let Some((h_th, h_p, h_f, res)) = observe(state, i, &state.slam[j].p_w, &xy, model) else {
            rejected.push(j);
            continue;
        };
        let cols = [ci, ci + 3, cf];
        let blocks = [h_th, h_p, h_f];
        // S = H P Hᵀ + σ² I over the three 3-column blocks.
        let mut s = Matrix2::identity() * model.sigma2;
        for (a, ba) in blocks.iter().enumerate() {
            for (b, bb) in blocks.iter().enumerate() {
                let p = state.cov.fixed_view::<3, 3>(cols[a], cols[b]);
                s += ba * p * bb.transpose();
            }
        }
        let accept = s
            .try_inverse()
            .is_some_and(|si| res.dot(&(si * res)) <= gate);
        if !accept {
            rejected.push(j);
            continue;
        }
        for k in 0..2 {
            let base = h.len();
            h.resize(base + dim, 0.0);
            for (b, block) in blocks.iter().enumerate() {
                for c in 0..3 {
                    h[base + cols[b] + c] = block[(k, c)];
                }
            }
            r.push(res[k]);
        }
        stats.updated += 1;
    }
    ekf_update(state, &h, &r, r.len(), model.sigma2);
    stats.rejected += rejected.len() as u32;
    rejected
}

/// Adds the track `id` (observations in the clones, oldest first) to the state as a SLAM feature
/// and updates the state with its null-space rows. False (state unchanged) when it does not
/// triangulate, fails the chi-square gate, or its position would be uncertain by more than
/// `max_rel_sigma` of its depth in the newest clone.
pub fn initialize(
    state: &mut FilterState,
    id: u64,
    track: &Track,
    model: &UpdateModel,
    max_rel_sigma: f64,
) -> bool {
    let Some(pf) = triangulate(&views_of(state, track, model), &model.limits) else {
        return false;
    };
    let dim = state.dim();
    let m = track.len();
    let mut hf = DMatrix::<f64>::zeros(2 * m, 3);
    let mut hx = DMatrix::<f64>::zeros(2 * m, dim + 1);
    for (j, (i, xy)) in track.iter().enumerate() {
        let Some((h_th, h_p, h_f, res)) = observe(state, *i, &pf, xy, model) else {
            return false;
        };
        let c = FilterState::clone_col(*i);
        hf.view_mut((2 * j, 0), (2, 3)).copy_from(&h_f);
        hx.view_mut((2 * j, c), (2, 3)).copy_from(&h_th);
        hx.view_mut((2 * j, c + 3), (2, 3)).copy_from(&h_p);
        hx[(2 * j, dim)] = res.x;
        hx[(2 * j + 1, dim)] = res.y;
    }
    let qr = hf.qr();
    let r1: Matrix3<f64> = qr.r().fixed_view::<3, 3>(0, 0).into_owned();
    qr.q_tr_mul(&mut hx);
    let Some(r1_inv) = r1.try_inverse() else {
        return false;
    };
    let rows = 2 * m - 3;
    let h2 = hx.view((3, 0), (rows, dim)).into_owned();
    let r2 = hx.view((3, dim), (rows, 1)).into_owned();
    // Gate the null-space rows as an MSCKF feature.
    let hp2 = &h2 * &state.cov;
    let mut s = &hp2 * h2.transpose();
    for k in 0..rows {
        s[(k, k)] += model.sigma2;
    }
    let Some(chol) = s.cholesky() else {
        return false;
    };
    let r2v = r2.column(0).into_owned();
    if r2v.dot(&chol.solve(&r2v)) > chi2_quantile(rows, model.chi2_quantile) {
        return false;
    }
    let h1 = hx.view((0, 0), (3, dim)).into_owned();
    let r1v = Vector3::new(hx[(0, dim)], hx[(1, dim)], hx[(2, dim)]);
    let hp1 = &h1 * &state.cov; // 3×dim
    let mut s1: Matrix3<f64> = (&hp1 * h1.transpose())
        .fixed_view::<3, 3>(0, 0)
        .into_owned();
    s1 += Matrix3::identity() * model.sigma2;
    let p_ff = r1_inv * s1 * r1_inv.transpose();
    let p_ff = (p_ff + p_ff.transpose()) * 0.5;
    let p_w = pf + r1_inv * r1v;
    // Depth in the newest clone's camera, against the largest 1σ of the new position.
    let last = &state.clones[state.clones.len() - 1];
    let depth =
        (model.r_i_c.transpose() * (last.r_w_i.transpose() * (p_w - last.p_w_i) - model.p_i_c)).z;
    let sigma_max = p_ff.symmetric_eigenvalues().max().max(0.0).sqrt();
    if !(depth > model.limits.min_depth_m && sigma_max <= max_rel_sigma * depth) {
        return false;
    }
    let r1_inv_d = DMatrix::from_column_slice(3, 3, r1_inv.as_slice());
    let p_xf = -(r1_inv_d * hp1).transpose(); // dim×3
    let mut cov = DMatrix::<f64>::zeros(dim + SLAM_DIM, dim + SLAM_DIM);
    cov.view_mut((0, 0), (dim, dim)).copy_from(&state.cov);
    cov.view_mut((0, dim), (dim, SLAM_DIM)).copy_from(&p_xf);
    cov.view_mut((dim, 0), (SLAM_DIM, dim))
        .copy_from(&p_xf.transpose());
    cov.view_mut((dim, dim), (SLAM_DIM, SLAM_DIM))
        .copy_from(&p_ff);
    state.cov = cov;
    state.slam.push(SlamFeature { id, p_w });
    // The null-space rows, padded with zeros for the new block.
    let nd = dim + SLAM_DIM;
    let mut h = vec![0.0; rows * nd];
    for k in 0..rows {
        for c in 0..dim {
            h[k * nd + c] = h2[(k, c)];
        }
    }
    ekf_update(state, &h, r2v.as_slice(), rows, model.sigma2);
    true
}
