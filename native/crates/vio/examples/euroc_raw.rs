//! Development driver: runs the VIO over an EuRoC `imu0/data.csv` and a file of raw GRAY8 frames
//! (`frames.raw`, 752×480 each, with their stamps one per line in `frames.txt`) and prints the
//! trajectory `t_ns px py pz qw qx qy qz` at each frame. Usage:
//! `cargo run --release -p karana-vio --example euroc_raw -- IMU_CSV FRAMES_RAW FRAMES_TXT > traj.txt`

use karana_features::gray::GrayView;
use karana_tracking::lie::quat::matrix_to_quat;
use karana_vio::{ImuSample, Status, Vio, VioConfig};
use nalgebra::Vector3;
use std::io::Read;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let imu: Vec<ImuSample> = std::fs::read_to_string(&args[1])
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<f64> = l
                .split(',')
                .skip(1)
                .map(|x| x.trim().parse().unwrap())
                .collect();
            let t: i64 = l.split(',').next().unwrap().trim().parse().unwrap();
            ImuSample {
                t_ns: t,
                gyro: Vector3::new(f[0], f[1], f[2]),
                accel: Vector3::new(f[3], f[4], f[5]),
            }
        })
        .collect();
    let stamps: Vec<i64> = std::fs::read_to_string(&args[3])
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    let mut raw = Vec::new();
    std::fs::File::open(&args[2])
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    let (w, h) = (752, 480);
    let mut vio = Vio::new(VioConfig::euroc_cam0()).unwrap();
    let mut k = 0;
    let mut times = Vec::new();
    for (i, &t) in stamps.iter().enumerate() {
        let start = k;
        while k < imu.len() && imu[k].t_ns <= t {
            k += 1;
        }
        let t0 = Instant::now();
        vio.feed_imu(&imu[start..k]);
        let black_range: Option<(usize, usize)> = std::env::var("BLACK").ok().map(|v| {
            let (a, b) = v.split_once("..").unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        });
        let black = vec![0u8; w * h];
        let pixels = match black_range {
            Some((a, b)) if (a..b).contains(&i) => &black[..],
            _ => &raw[i * w * h..(i + 1) * w * h],
        };
        let img = GrayView::new("frame", pixels, w, h, w).unwrap();
        let st = vio.feed_frame(&img, t).unwrap();
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        let (s, _) = vio.output();
        let q = matrix_to_quat(&s.r_w_i);
        let r = vio.last_report;
        if st == Status::Tracking {
            println!(
                "{} {} {} {} {} {} {} {}",
                t, s.p_w_i.x, s.p_w_i.y, s.p_w_i.z, q[0], q[1], q[2], q[3]
            );
        }
        eprintln!(
            "{i} {st:?} ransac {} feat {} used {} trifail {} chi2 {} rows {} zupt {} disp {:.2} v {:.3} bg {:.4} {:.4} {:.4} ba {:.3} {:.3} {:.3}",
            r.ransac_rejected, r.features_tracked, r.update.features_used, r.update.rejected_triangulation, r.update.rejected_chi2, r.update.rows, r.zupt,
            r.median_disparity_px, s.v_w_i.norm(), s.bg.x, s.bg.y, s.bg.z, s.ba.x, s.ba.y, s.ba.z
        );
    }
    times.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "ms/frame p50 {:.2} p90 {:.2} max {:.2}",
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[times.len() - 1]
    );
}
