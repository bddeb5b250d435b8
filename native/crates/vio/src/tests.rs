//! Geometry checks of the triangulation and the MSCKF update on exact, hand-built scenes (no sensor
//! data is simulated: the observations are the exact projections of fixed points).

use crate::config::VioConfig;
use crate::msckf::{stack, Track, UpdateModel, UpdateStats};
use crate::state::{FilterState, ImuState, IMU_DIM};
use crate::triangulate::{triangulate, TriangulationLimits, View};
use nalgebra::{DMatrix, Matrix3, Vector2, Vector3};

const LIMITS: TriangulationLimits = TriangulationLimits {
    min_eigen_ratio: 1e-5,
    min_depth_m: 0.2,
    max_depth_m: 60.0,
    max_rms: 1e-2,
};

/// Cameras looking along world +x (camera z = world x), at `y` offsets along a baseline.
fn view(y: f64, p: &Vector3<f64>) -> View {
    let r_w_c = Matrix3::new(0.0, 0.0, 1.0, -1.0, 0.0, 0.0, 0.0, -1.0, 0.0);
    let p_w_c = Vector3::new(0.0, y, 0.0);
    let pc = r_w_c.transpose() * (p - p_w_c);
    View {
        r_w_c,
        p_w_c,
        xy: Vector2::new(pc.x / pc.z, pc.y / pc.z),
    }
}

#[test]
fn triangulates_an_exact_point_and_refuses_one_without_parallax() {
    let p = Vector3::new(4.0, 0.3, -0.2);
    let views: Vec<View> = (0..5).map(|k| view(0.05 * k as f64, &p)).collect();
    let got = triangulate(&views, &LIMITS).expect("0.2 m baseline at 4 m");
    assert!((got - p).norm() < 1e-9, "{got:?}");
    let same: Vec<View> = (0..5).map(|_| view(0.0, &p)).collect();
    assert_eq!(triangulate(&same, &LIMITS), None);
    let behind = Vector3::new(-4.0, 0.3, -0.2);
    let back: Vec<View> = (0..5).map(|k| view(0.05 * k as f64, &behind)).collect();
    assert_eq!(triangulate(&back, &LIMITS), None);
}

#[test]
fn an_exact_track_passes_the_gate_with_2m_minus_3_rows_and_zero_residual() {
    let cfg = VioConfig::euroc_cam0();
    let t = &cfg.camera.t_b_c;
    let r_i_c = Matrix3::new(t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]);
    let p_i_c = Vector3::new(t[3], t[7], t[11]);
    let imu = ImuState::at_rest(0);
    let mut state = FilterState::new(imu, DMatrix::identity(IMU_DIM, IMU_DIM) * 1e-4);
    let point = Vector3::new(0.3, 0.2, 5.0);
    let mut track: Track = Vec::new();
    for k in 0..6 {
        state.imu.p_w_i = Vector3::new(0.04 * k as f64, 0.01 * k as f64, 0.0);
        state.imu.r_w_i = karana_tracking::lie::so3::exp(&Vector3::new(0.0, 0.01 * k as f64, 0.0));
        state.augment(k);
        let c = state.clones.last().unwrap();
        let pc = r_i_c.transpose() * (c.r_w_i.transpose() * (point - c.p_w_i) - p_i_c);
        track.push((k as usize, Vector2::new(pc.x / pc.z, pc.y / pc.z)));
    }
    let model = UpdateModel {
        r_i_c,
        p_i_c,
        sigma2: (1.0f64 / 458.0).powi(2),
        chi2_quantile: 0.95,
        limits: LIMITS,
    };
    let mut stats = UpdateStats::default();
    let st = stack(&state, &[track], &model, &mut stats);
    assert_eq!((stats.features_used, st.rows), (1, 2 * 6 - 3));
    assert!(st.r.iter().all(|r| r.abs() < 1e-9), "{:?}", st.r);
    // The rows only touch the clone columns.
    let dim = state.dim();
    for k in 0..st.rows {
        assert!(st.h[k * dim..k * dim + IMU_DIM].iter().all(|v| *v == 0.0));
    }
}

#[test]
fn the_delayed_initialisation_settings_are_checked_by_name() {
    let mut c = crate::VioConfig::euroc_cam0();
    assert_eq!((c.init_delay_s, c.init_passes), (2.0, 3));
    c.init_passes = 0;
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("initPasses"), "{e}");
    c.init_passes = 3;
    c.init_delay_s = -1.0;
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("initDelayS"), "{e}");
    c.init_delay_s = 0.0;
    assert!(c.validate().is_ok());
}
