//! The MSCKF measurement update (Mourikis & Roumeliotis, "A Multi-State Constraint Kalman Filter
//! for Vision-aided Inertial Navigation", ICRA 2007, §III-D/E): for each feature track, the
//! stacked reprojection residuals linearised in the clone poses and the feature position, the
//! feature eliminated by projecting onto the left null space of its Jacobian (eq 23–24, done with
//! a Householder QR), a chi-square (Mahalanobis) gate per feature, then one EKF update over all
//! features with the stacked Jacobian compressed by QR when it has more rows than the state
//! (eq 26–28).

use crate::chi2::chi2_quantile;
use crate::state::{FilterState, CLONE_DIM};
use crate::triangulate::{projection, triangulate, TriangulationLimits, View};
use karana_tracking::lie::so3::hat;
use nalgebra::{DMatrix, DVector, Matrix3, Vector2, Vector3};

/// Camera extrinsics and noise the update needs.
pub struct UpdateModel {
    pub r_i_c: Matrix3<f64>,
    pub p_i_c: Vector3<f64>,
    /// Measurement noise variance, normalised units².
    pub sigma2: f64,
    pub chi2_quantile: f64,
    pub limits: TriangulationLimits,
}

/// A feature track: `(clone index, undistorted normalised xy)` per observation.
pub type Track = Vec<(usize, Vector2<f64>)>;

/// Counts of one update.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UpdateStats {
    pub features_used: u32,
    pub rejected_triangulation: u32,
    pub rejected_chi2: u32,
    pub rows: u32,
}

/// Stacked null-space-projected rows of the tracks that pass triangulation and the gate.
pub struct Stacked {
    pub h: Vec<f64>,
    pub r: Vec<f64>,
    pub rows: usize,
}

/// The camera poses `T_W_C` of a track's clones with its observations, for triangulation.
pub fn views_of(state: &FilterState, track: &Track, model: &UpdateModel) -> Vec<View> {
    track
        .iter()
        .map(|(i, xy)| {
            let c = &state.clones[*i];
            View {
                r_w_c: c.r_w_i * model.r_i_c,
                p_w_c: c.p_w_i + c.r_w_i * model.p_i_c,
                xy: *xy,
            }
        })
        .collect()
}

/// Builds the projected residual rows of every track (row-major, `dim` columns each).
pub fn stack(
    state: &FilterState,
    tracks: &[Track],
    model: &UpdateModel,
    stats: &mut UpdateStats,
) -> Stacked {
    let dim = state.dim();
    let mut out = Stacked {
        h: Vec::new(),
        r: Vec::new(),
        rows: 0,
    };
    for track in tracks {
        let Some(pf) = triangulate(&views_of(state, track, model), &model.limits) else {
            stats.rejected_triangulation += 1;
            continue;
        };
        let m = track.len();
        let mut hf = DMatrix::<f64>::zeros(2 * m, 3);
        let mut hx = DMatrix::<f64>::zeros(2 * m, CLONE_DIM * m + 1);
        for (j, (i, xy)) in track.iter().enumerate() {
            let c = &state.clones[*i];
            let p_i = c.r_w_i.transpose() * (pf - c.p_w_i);
            let pc = model.r_i_c.transpose() * (p_i - model.p_i_c);
            let (jp, res) = projection(&pc, xy);
            let jc = jp * model.r_i_c.transpose();
            let h_th = jc * hat(&p_i);
            let h_f = jc * c.r_w_i.transpose();
            hf.view_mut((2 * j, 0), (2, 3)).copy_from(&h_f);
            hx.view_mut((2 * j, CLONE_DIM * j), (2, 3)).copy_from(&h_th);
            hx.view_mut((2 * j, CLONE_DIM * j + 3), (2, 3))
                .copy_from(&(-h_f));
            hx[(2 * j, CLONE_DIM * m)] = res.x;
            hx[(2 * j + 1, CLONE_DIM * m)] = res.y;
        }
        // Left null space of H_f: Qᵀ from H_f's QR; rows 3.. are orthogonal to its columns.
        hf.qr().q_tr_mul(&mut hx);
        let rows = 2 * m - 3;
        let ho = hx.view((3, 0), (rows, CLONE_DIM * m));
        let ro = hx.view((3, CLONE_DIM * m), (rows, 1));
        // Gate: rᵀ (H P Hᵀ + σ² I)⁻¹ r against the chi-square quantile with `rows` dof.
        let mut hp = DMatrix::<f64>::zeros(rows, CLONE_DIM * m);
        let cols: Vec<usize> = track
            .iter()
            .flat_map(|(i, _)| (0..CLONE_DIM).map(move |k| FilterState::clone_col(*i) + k))
            .collect();
        let mut psub = DMatrix::<f64>::zeros(cols.len(), cols.len());
        for (a, &ca) in cols.iter().enumerate() {
            for (b, &cb) in cols.iter().enumerate() {
                psub[(a, b)] = state.cov[(ca, cb)];
            }
        }
        hp.gemm(1.0, &ho, &psub, 0.0);
        let mut s = &hp * ho.transpose();
        for k in 0..rows {
            s[(k, k)] += model.sigma2;
        }
        let Some(chol) = s.cholesky() else {
            stats.rejected_chi2 += 1;
            continue;
        };
        let ro = ro.into_owned();
        let gamma = ro.dot(&chol.solve(&ro));
        // NaN fails the gate too.
        let accept = gamma <= chi2_quantile(rows, model.chi2_quantile);
        if !accept {
            stats.rejected_chi2 += 1;
            continue;
        }
        for k in 0..rows {
            let base = out.h.len();
            out.h.resize(base + dim, 0.0);
            for (a, &ca) in cols.iter().enumerate() {
                out.h[base + ca] = ho[(k, a)];
            }
            out.r.push(ro[k]);
        }
        out.rows += rows;
        stats.features_used += 1;
    }
    stats.rows = out.rows as u32;
    out
}

/// The EKF update with stacked rows (`H` row-major, residual `r`, isotropic noise `sigma2`),
/// compressed by QR when there are more rows than states. Returns false when `S` is not positive
/// definite (nothing changed).
pub fn ekf_update(state: &mut FilterState, h: &[f64], r: &[f64], rows: usize, sigma2: f64) -> bool {
    if rows == 0 {
        return true;
    }
    let dim = state.dim();
    let mut hr = DMatrix::<f64>::zeros(rows, dim + 1);
    for k in 0..rows {
        for j in 0..dim {
            hr[(k, j)] = h[k * dim + j];
        }
        hr[(k, dim)] = r[k];
    }
    let (hm, rv) = if rows > dim {
        let rr = hr.qr().r();
        (
            rr.view((0, 0), (dim, dim)).into_owned(),
            rr.view((0, dim), (dim, 1)).into_owned(),
        )
    } else {
        (
            hr.view((0, 0), (rows, dim)).into_owned(),
            hr.view((0, dim), (rows, 1)).into_owned(),
        )
    };
    let hp = &hm * &state.cov;
    let mut s = &hp * hm.transpose();
    for k in 0..s.nrows() {
        s[(k, k)] += sigma2;
    }
    let Some(chol) = s.cholesky() else {
        return false;
    };
    // K = P Hᵀ S⁻¹ = (S⁻¹ H P)ᵀ.
    let kt = chol.solve(&hp);
    let dx: DVector<f64> = kt.transpose() * rv.column(0);
    state.cov -= kt.transpose() * &hp;
    let sym = (&state.cov + state.cov.transpose()) * 0.5;
    state.cov = sym;
    state.correct(&dx);
    true
}
