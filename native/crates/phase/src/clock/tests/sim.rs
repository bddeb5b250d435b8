//! Test inputs: real device timestamps from the EuRoC recordings (`../shared/data`), and the
//! simulated physical effect the acceptance asks for: a host clock with a skew and an offset, and a
//! one-sided exponential queueing delay drawn from a seeded generator.

use std::path::PathBuf;

/// `../shared/data/<rel>` from the repository root, if present.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/data")
        .join(rel);
    p.exists().then_some(p)
}

pub const MH01_IMU: &str = "euroc_mh01_excerpt/mav0/imu0/data.csv";
pub const V101_IMU: &str = "euroc_v1_01_imu_gt/mav0/imu0/data.csv";

/// The first column (timestamp, ns) of an EuRoC CSV.
pub fn euroc_stamps(rel: &str) -> Option<Vec<i64>> {
    let text = std::fs::read_to_string(shared(rel)?).ok()?;
    let stamps = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            l.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .parse::<i64>()
                .expect("ns stamp")
        })
        .collect();
    Some(stamps)
}

/// SplitMix64 (G. Steele, D. Lea, C. Flood, OOPSLA 2014): a small seeded generator.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Exponential with the given mean (inverse CDF).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }
}

/// The simulated link: host arrival = device + offset + skew·(device − device₀) + delay.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    pub skew: f64,
    pub offset_ns: f64,
    pub mean_delay_ns: f64,
    pub seed: u64,
}

pub const ACCEPTANCE: Link = Link {
    skew: 50e-6,
    offset_ns: 2e6,
    mean_delay_ns: 0.5e6,
    seed: 1,
};

impl Link {
    /// Host arrival stamps (ns, rounded) for device stamps `device`; device₀ = `device[0]`.
    pub fn arrivals(&self, device: &[i64]) -> Vec<i64> {
        let mut rng = SplitMix64(self.seed);
        let d0 = device[0];
        device
            .iter()
            .map(|&d| {
                let true_y = self.offset_ns + self.skew * (d - d0) as f64;
                d + (true_y + rng.exponential(self.mean_delay_ns)).round() as i64
            })
            .collect()
    }

    /// True `host − device` at device time `d`, ns.
    pub fn true_offset(&self, d0: i64, d: i64) -> f64 {
        self.offset_ns + self.skew * (d - d0) as f64
    }
}
