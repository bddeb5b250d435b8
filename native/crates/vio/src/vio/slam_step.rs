//! The SLAM-feature part of a frame (`crate::slam`): features the front end lost are marginalised,
//! the ones it still tracks update the state with their newest observation, features failing the
//! gate are dropped; and long tracks are promoted into the state while there is room.

use super::Vio;
use crate::msckf::Track;
use crate::slam::{initialize, update, SlamStats};
use nalgebra::Vector2;

impl Vio {
    /// Whether long tracks may become SLAM features now (not inside the delayed initialisation,
    /// whose filter runs are thrown away and re-seeded).
    pub(super) fn slam_enabled(&self) -> bool {
        self.config.max_slam_features > 0 && self.window_clones == 0 && !self.flush_tracks
    }

    /// The landmarks in the state now: `(track id, position in the world frame, m)`; empty unless
    /// tracking. They are scene points the filter has seen for at least a window's length.
    pub fn landmarks(&self) -> Vec<(u64, nalgebra::Vector3<f64>)> {
        match (&self.filter, self.status) {
            (Some(f), crate::vio::Status::Tracking) => {
                f.slam.iter().map(|s| (s.id, s.p_w)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the front end's track `id` is a SLAM feature (its observations are not kept for
    /// the MSCKF).
    pub(super) fn is_slam(&self, id: u64) -> bool {
        self.filter
            .as_ref()
            .is_some_and(|f| f.slam.iter().any(|s| s.id == id))
    }

    /// Marginalises lost SLAM features and updates with the seen ones (before the MSCKF update).
    pub(super) fn slam_update(&mut self) {
        let filter = self.filter.as_mut().expect("initialised");
        if filter.slam.is_empty() {
            self.last_report.slam = SlamStats::default();
            return;
        }
        let current = &self.front.current;
        for j in (0..filter.slam.len()).rev() {
            if !current.iter().any(|o| o.id == filter.slam[j].id) {
                filter.remove_slam(j);
            }
        }
        let seen: Vec<(usize, Vector2<f64>)> = filter
            .slam
            .iter()
            .enumerate()
            .filter_map(|(j, s)| {
                current
                    .iter()
                    .find(|o| o.id == s.id)
                    .map(|o| (j, Vector2::new(o.xy[0], o.xy[1])))
            })
            .collect();
        let mut stats = SlamStats::default();
        let mut rejected = update(filter, &seen, &self.model, &mut stats);
        rejected.sort_unstable();
        for j in rejected.into_iter().rev() {
            filter.remove_slam(j);
        }
        self.last_report.slam = stats;
    }

    /// Promotes tracks (`(id, track)`, oldest id first) to SLAM features while there is room;
    /// returns how many were added.
    pub(super) fn slam_promote(&mut self, candidates: Vec<(u64, Track)>) -> u32 {
        let filter = self.filter.as_mut().expect("initialised");
        let mut added = 0;
        for (id, track) in candidates {
            if filter.slam.len() >= self.config.max_slam_features {
                break;
            }
            if initialize(
                filter,
                id,
                &track,
                &self.model,
                self.config.slam_max_rel_sigma,
            ) {
                added += 1;
            }
        }
        self.last_report.slam.initialized = added;
        self.last_report.slam.features = filter.slam.len() as u32;
        added
    }
}
