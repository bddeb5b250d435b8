//! Initial orientation from one accelerometer (and optionally magnetometer) reading.

use crate::lie::quat::{matrix_to_quat, Quat};
use crate::lie::so3::Mat3;
use karana_core::error::{invalid, KaranaResult};

/// `q_world_body` (Hamilton `[w, x, y, z]`, `w ≥ 0`) whose world z axis is the measured up
/// direction (`accel`, the specific force at rest, any unit) and whose world x axis is the
/// horizontal part of the magnetic field (`mag`, any unit) — the frame Madgwick's MARG filter
/// converges to — or, without `mag`, the horizontal part of the body x axis (yaw 0). When body x
/// is vertical (pitch ±90°), the body z axis stands in for it.
///
/// Errors: `"accelMps2"` not a finite non-zero vector; `"magUt"` not finite or parallel to gravity.
pub fn init_from_accel(accel: [f64; 3], mag: Option<[f64; 3]>) -> KaranaResult<Quat> {
    let up = unit(accel)
        .ok_or_else(|| invalid("accelMps2", "a finite non-zero vector", format_vec(accel)))?;
    let north = match mag {
        Some(m) => horizontal(m, up).ok_or_else(|| {
            invalid(
                "magUt",
                "a finite vector not parallel to gravity",
                format_vec(m),
            )
        })?,
        None => horizontal([1.0, 0.0, 0.0], up)
            .or_else(|| horizontal([0.0, 0.0, -up[0].signum()], up))
            .ok_or_else(|| invalid("accelMps2", "a finite non-zero vector", format_vec(accel)))?,
    };
    let west = cross(up, north);
    Ok(from_rows([north, west, up]))
}

/// The component of `v` orthogonal to the unit `up`, normalized; `None` when (nearly) parallel.
fn horizontal(v: [f64; 3], up: [f64; 3]) -> Option<[f64; 3]> {
    let d = dot(v, up);
    let h = [v[0] - d * up[0], v[1] - d * up[1], v[2] - d * up[2]];
    let n = dot(v, v).sqrt();
    if !n.is_finite() || dot(h, h).sqrt() <= 1e-6 * n {
        return None;
    }
    unit(h)
}

fn unit(v: [f64; 3]) -> Option<[f64; 3]> {
    let n = dot(v, v).sqrt();
    (n.is_finite() && n > 0.0).then(|| v.map(|c| c / n))
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// Quaternion (`w ≥ 0`) of the rotation matrix whose rows are `r`: the rows are the world axes
/// expressed in the body frame, so the matrix is `R_world_body`.
fn from_rows(r: [[f64; 3]; 3]) -> Quat {
    matrix_to_quat(&Mat3::from_row_slice(&[
        r[0][0], r[0][1], r[0][2], r[1][0], r[1][1], r[1][2], r[2][0], r[2][1], r[2][2],
    ]))
}

fn format_vec(v: [f64; 3]) -> String {
    format!("[{}, {}, {}]", v[0], v[1], v[2])
}

#[cfg(test)]
mod tests {
    use super::super::madgwick::rotate;
    use super::*;

    fn close(a: [f64; 3], b: [f64; 3]) -> bool {
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn level_sensor_is_identity() {
        assert_eq!(
            init_from_accel([0.0, 0.0, 9.81], None).unwrap(),
            [1.0, 0.0, 0.0, 0.0]
        );
    }

    #[test]
    fn gravity_maps_to_world_up_and_yaw_is_zero() {
        // EuRoC ADIS16448 at rest reads gravity along body +x.
        let a = [8.1476917083, -0.3759215833, -2.40262925];
        let q = init_from_accel(a, None).unwrap();
        let n = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
        assert!(close(rotate(&q, a.map(|c| c / n)), [0.0, 0.0, 1.0]));
        // Yaw 0: the horizontal part of body x lies along world +x.
        let x = rotate(&q, [1.0, 0.0, 0.0]);
        assert!(x[1].abs() < 1e-12 && x[0] > 0.0);
    }

    #[test]
    fn vertical_body_x_uses_body_z() {
        let q = init_from_accel([9.81, 0.0, 0.0], None).unwrap();
        assert!(close(rotate(&q, [1.0, 0.0, 0.0]), [0.0, 0.0, 1.0]));
        assert!(close(rotate(&q, [0.0, 0.0, -1.0]), [1.0, 0.0, 0.0]));
    }

    #[test]
    fn magnetometer_sets_heading() {
        let q = init_from_accel([0.0, 0.0, 9.81], Some([0.0, 20.0, -40.0])).unwrap();
        assert!(close(rotate(&q, [0.0, 1.0, 0.0]), [1.0, 0.0, 0.0]));
    }

    #[test]
    fn bad_vectors_are_named() {
        let e = init_from_accel([0.0, 0.0, 0.0], None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"accelMps2\" must be a finite non-zero vector, got [0, 0, 0]"
        );
        let e = init_from_accel([0.0, 0.0, 1.0], Some([0.0, 0.0, 5.0])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"magUt\" must be a finite vector not parallel to gravity, got [0, 0, 5]"
        );
    }
}
