//! The measurement updates of a frame: the zero-velocity update at standstill and the MSCKF update
//! (tracks that ended, and tracks seen by the clone about to be marginalised), then the
//! marginalisation of that clone.

use super::Vio;
use crate::msckf::{ekf_update, stack, Track, UpdateStats};
use crate::state::V;
use std::collections::BTreeMap;

impl Vio {
    /// Zero-velocity update (v = 0, σ 0.02 m/s) when the image and the gyroscope are both still.
    pub(super) fn zero_velocity_update(&mut self) {
        let thr = self.config.zupt_max_disparity_px;
        let d = self.front.median_disparity_px;
        let filter = self.filter.as_mut().expect("initialised");
        let still_gyro = self
            .imu
            .last()
            .is_some_and(|s| (s.gyro - filter.imu.bg).norm() < 0.02);
        if !(thr > 0.0 && d < thr && still_gyro) {
            return;
        }
        let dim = filter.dim();
        let mut h = vec![0.0; 3 * dim];
        let mut r = vec![0.0; 3];
        for k in 0..3 {
            h[k * dim + V + k] = 1.0;
            r[k] = -filter.imu.v_w_i[k];
        }
        self.last_report.zupt = ekf_update(filter, &h, &r, 3, 0.02f64.powi(2));
    }

    /// MSCKF update with the tracks that ended and, when the window is full, the tracks seen by
    /// the oldest clone; then that clone is marginalised.
    pub(super) fn msckf_update(&mut self) {
        let limit = self.clone_limit();
        let long = self.window_clones > 0;
        let promote = self.slam_enabled();
        let filter = self.filter.as_mut().expect("initialised");
        let index: BTreeMap<u64, usize> = filter
            .clones
            .iter()
            .enumerate()
            .map(|(i, c)| (c.frame, i))
            .collect();
        let current = self.frame_seq;
        // Clones beyond the limit (one per frame in steady state; more when the delayed
        // initialisation's long window ends) are marginalised after their tracks are used.
        let excess = filter.clones.len().saturating_sub(limit);
        let full = excess > 0;
        let keep_from = filter.clones[excess.min(filter.clones.len() - 1)].frame;
        let mut tracks: Vec<Track> = Vec::new();
        let mut consumed: Vec<u64> = Vec::new();
        // Tracks alive through the whole window become SLAM feature candidates (`slam_step.rs`).
        let room = self
            .config
            .max_slam_features
            .saturating_sub(filter.slam.len());
        let mut candidates: Vec<(u64, Track)> = Vec::new();
        for (&id, obs) in &self.features {
            let lost = obs.last().is_none_or(|o| o.0 != current);
            // In the delayed initialisation's long window, a track is used once it is as long as
            // the normal window (as it would be at marginalisation), or at the window's end (flush).
            let margin = (full && obs.first().is_some_and(|o| o.0 < keep_from))
                || (long && obs.len() > self.config.max_clones)
                || (self.flush_tracks && obs.len() >= 3);
            if !(lost || margin) {
                continue;
            }
            consumed.push(id);
            if obs.len() >= 3 {
                let track: Track = obs
                    .iter()
                    .filter_map(|(f, xy)| index.get(f).map(|&i| (i, *xy)))
                    .collect();
                if promote
                    && !lost
                    && candidates.len() < room
                    && obs.len() >= self.config.max_clones
                {
                    candidates.push((id, track));
                } else {
                    tracks.push(track);
                }
            }
        }
        let mut stats = UpdateStats::default();
        let st = stack(filter, &tracks, &self.model, &mut stats);
        ekf_update(filter, &st.h, &st.r, st.rows, self.model.sigma2);
        self.last_report.update = stats;
        let promoted: Vec<u64> = candidates.iter().map(|c| c.0).collect();
        self.slam_promote(candidates);
        let filter = self.filter.as_mut().expect("initialised");
        for id in promoted {
            // Promoted or not, the track's observations so far are spent.
            self.features.remove(&id);
        }
        for id in consumed {
            let lost = self
                .features
                .get(&id)
                .and_then(|o| o.last())
                .is_none_or(|o| o.0 != current);
            if lost {
                self.features.remove(&id);
            } else if let Some(o) = self.features.get_mut(&id) {
                o.clear();
            }
        }
        if full {
            for _ in 0..excess {
                filter.marginalize(0);
            }
            let new_oldest = filter.clones[0].frame;
            for obs in self.features.values_mut() {
                obs.retain(|o| o.0 >= new_oldest);
            }
        }
    }
}
