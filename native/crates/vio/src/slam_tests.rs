//! SLAM features on an exact, hand-built scene (observations are exact projections of a fixed point;
//! no sensor data is simulated): initialisation, the covariance layout across cloning, the per-frame
//! update and its gate, removal.

use crate::config::VioConfig;
use crate::msckf::{Track, UpdateModel};
use crate::slam::{initialize, update, SlamStats};
use crate::state::{FilterState, ImuState, CLONE_DIM, IMU_DIM, P, SLAM_DIM, TH};
use crate::triangulate::TriangulationLimits;
use nalgebra::{DMatrix, Matrix3, Vector2, Vector3};

const POINT: [f64; 3] = [0.3, 0.2, 4.0];

fn model() -> UpdateModel {
    let t = VioConfig::euroc_cam0().camera.t_b_c;
    UpdateModel {
        r_i_c: Matrix3::new(t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]),
        p_i_c: Vector3::new(t[3], t[7], t[11]),
        sigma2: (1.0f64 / 458.0).powi(2),
        chi2_quantile: 0.95,
        limits: TriangulationLimits {
            min_eigen_ratio: 1e-5,
            min_depth_m: 0.2,
            max_depth_m: 60.0,
            max_rms: 1e-2,
        },
    }
}

/// The exact normalised observation of `POINT` from the newest clone.
fn observe_newest(state: &FilterState, m: &UpdateModel) -> Vector2<f64> {
    let c = state.clones.last().unwrap();
    let pc =
        m.r_i_c.transpose() * (c.r_w_i.transpose() * (Vector3::from(POINT) - c.p_w_i) - m.p_i_c);
    Vector2::new(pc.x / pc.z, pc.y / pc.z)
}

/// Eleven clones moving sideways by 3 cm per frame with a slight turn, and the exact track of `POINT`.
fn scene(m: &UpdateModel) -> (FilterState, Track) {
    let imu = ImuState::at_rest(0);
    let mut state = FilterState::new(imu, DMatrix::identity(IMU_DIM, IMU_DIM) * 1e-4);
    let mut track = Track::new();
    for k in 0..11 {
        state.imu.p_w_i = Vector3::new(0.03 * k as f64, 0.01 * k as f64, 0.0);
        state.imu.r_w_i = karana_tracking::lie::so3::exp(&Vector3::new(0.0, 0.005 * k as f64, 0.0));
        state.augment(k);
        track.push((k as usize, observe_newest(&state, m)));
    }
    (state, track)
}

#[test]
fn an_exact_track_initialises_a_feature_at_its_point_with_a_consistent_covariance() {
    let m = model();
    let (mut state, track) = scene(&m);
    let before = state.dim();
    assert!(initialize(&mut state, 7, &track, &m, 0.5));
    assert_eq!(state.dim(), before + SLAM_DIM);
    assert_eq!(state.slam[0].id, 7);
    assert!(
        (state.slam[0].p_w - Vector3::from(POINT)).norm() < 1e-6,
        "{:?}",
        state.slam[0].p_w
    );
    assert!((&state.cov - state.cov.transpose()).amax() < 1e-15);
    // Positive semi-definite (the clones, taken without propagation between them, are exact copies).
    let min_eig = state.cov.clone().symmetric_eigenvalues().min();
    assert!(min_eig > -1e-12, "covariance not PSD: {min_eig}");
    // A new clone goes before the SLAM block; the SLAM block and its cross terms move with it.
    let p_ff = state.cov.view((before, before), (3, 3)).into_owned();
    let p_thf = state.cov.view((TH, before), (3, 3)).into_owned();
    state.augment(11);
    let f = state.slam_col(0);
    assert_eq!(f, before + CLONE_DIM);
    assert_eq!(state.cov.view((f, f), (3, 3)).into_owned(), p_ff);
    assert_eq!(state.cov.view((TH, f), (3, 3)).into_owned(), p_thf);
    let c = FilterState::clone_col(11);
    assert_eq!(state.cov.view((c, f), (3, 3)).into_owned(), p_thf);
    assert_eq!(
        state.cov.view((c + 3, c + 3), (3, 3)).into_owned(),
        state.cov.view((P, P), (3, 3)).into_owned()
    );
}

#[test]
fn the_update_uses_an_exact_observation_and_rejects_one_30_px_off() {
    let m = model();
    let (mut state, track) = scene(&m);
    assert!(initialize(&mut state, 7, &track, &m, 0.5));
    state.imu.p_w_i = Vector3::new(0.35, 0.1, 0.0);
    state.augment(11);
    let exact = observe_newest(&state, &m);
    let p_before = state.slam[0].p_w;
    let var_before = state.cov[(state.slam_col(0) + 2, state.slam_col(0) + 2)];
    let mut stats = SlamStats::default();
    assert!(update(&mut state, &[(0, exact)], &m, &mut stats).is_empty());
    assert_eq!(stats.updated, 1);
    assert!((state.slam[0].p_w - p_before).norm() < 1e-9);
    assert!(state.cov[(state.slam_col(0) + 2, state.slam_col(0) + 2)] < var_before);
    let off = exact + Vector2::new(30.0 / 458.0, 0.0);
    let mut stats = SlamStats::default();
    assert_eq!(update(&mut state, &[(0, off)], &m, &mut stats), vec![0]);
    assert_eq!((stats.updated, stats.rejected), (0, 1));
    let dim = state.dim();
    state.remove_slam(0);
    assert_eq!((state.dim(), state.slam.len()), (dim - SLAM_DIM, 0));
}

#[test]
fn a_feature_too_uncertain_for_its_depth_is_not_added() {
    let m = model();
    let (mut state, track) = scene(&m);
    let before = state.dim();
    assert!(!initialize(&mut state, 7, &track, &m, 1e-6));
    assert_eq!((state.dim(), state.slam.len()), (before, 0));
}
