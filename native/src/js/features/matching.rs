//! `HammingMatcher`: brute-force matching of binary descriptors (OpenCV `BFMatcher(NORM_HAMMING)`).

use super::{Pending, Shared};
use karana_core::error::{in_range, invalid, require_len, KaranaResult};
use karana_features::matching::{HammingMatcher as Matcher, Match, MatchFilter};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// Which nearest-neighbour matches to keep. Defaults: no cross-check, no ratio test, no distance cap
/// (OpenCV `BFMatcher(NORM_HAMMING).match`).
#[napi(object)]
#[derive(Clone, Copy)]
pub struct MatchOptions {
    /// Keep mutual nearest neighbours only (OpenCV `crossCheck=True`).
    pub cross_check: Option<bool>,
    /// Lowe's ratio test: keep when `d₁ < ratio · d₂` (the two nearest trains), in (0, 1].
    pub ratio: Option<f64>,
    /// Keep when `d₁ ≤ maxDistance`, bits.
    pub max_distance: Option<f64>,
}

/// Caller-owned match arrays, capacity ≥ the number of query descriptors.
#[napi(object)]
pub struct MatchBuffers {
    pub query_idx: Int32Array,
    pub train_idx: Int32Array,
    /// Hamming distance, bits.
    pub distance: Int32Array,
}

fn filter(o: Option<MatchOptions>) -> KaranaResult<MatchFilter> {
    let Some(o) = o else {
        return Ok(MatchFilter::default());
    };
    Ok(MatchFilter {
        cross_check: o.cross_check.unwrap_or(false),
        ratio: o
            .ratio
            .map(|r| {
                if r > 0.0 && r <= 1.0 {
                    Ok(r)
                } else {
                    Err(invalid("ratio", "a number in (0, 1]", r))
                }
            })
            .transpose()?,
        max_distance: o
            .max_distance
            .map(|m| in_range("maxDistance", m, 0.0, 4096.0).map(|m| m as u32))
            .transpose()?,
    })
}

struct Scratch {
    matcher: Matcher,
    matches: Vec<Match>,
}

impl Scratch {
    fn run(
        &mut self,
        query: &[u8],
        train: &[u8],
        f: &MatchFilter,
        out: &mut MatchBuffers,
    ) -> KaranaResult<u32> {
        let nq = self.matcher.count("query", query)?;
        require_len("queryIdx", "ints", nq, out.query_idx.len())?;
        require_len("trainIdx", "ints", nq, out.train_idx.len())?;
        require_len("distance", "ints", nq, out.distance.len())?;
        self.matcher
            .match_sets(query, train, f, &mut self.matches)?;
        // SAFETY: the caller owns the outputs until the call returns or the promise settles.
        let (qi, ti, di) = unsafe {
            (
                out.query_idx.as_mut(),
                out.train_idx.as_mut(),
                out.distance.as_mut(),
            )
        };
        for (k, m) in self.matches.iter().enumerate() {
            (qi[k], ti[k], di[k]) = (m.query as i32, m.train as i32, m.distance as i32);
        }
        Ok(self.matches.len() as u32)
    }
}

/// Brute-force Hamming matcher: the same matches as `cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck)`
/// and `knnMatch(k=2)` on the same descriptors; hardware popcount where available.
#[napi]
pub struct HammingMatcher {
    scratch: Arc<Shared<Scratch>>,
}

#[napi]
impl HammingMatcher {
    /// `descriptorBytes`: a multiple of 8 in [8, 512]; default 32 (ORB).
    #[napi(constructor)]
    pub fn new(descriptor_bytes: Option<f64>) -> Result<Self> {
        let bytes = match descriptor_bytes {
            None => 32,
            Some(b) if b.is_finite() && b.fract() == 0.0 && b >= 0.0 => b as usize,
            Some(b) => {
                return Err(invalid("descriptorBytes", "a multiple of 8 in [8, 512]", b).into())
            }
        };
        Ok(Self {
            scratch: Shared::new(Scratch {
                matcher: Matcher::new(bytes)?,
                matches: Vec::new(),
            }),
        })
    }

    /// Matches each query descriptor to its nearest train descriptor on the calling thread and
    /// writes the kept matches, in query order; returns their count.
    #[napi]
    pub fn match_sync(
        &self,
        query: Uint8ArraySlice<'_>,
        train: Uint8ArraySlice<'_>,
        mut out: MatchBuffers,
        options: Option<MatchOptions>,
    ) -> Result<u32> {
        let f = filter(options)?;
        let mut s = self.scratch.lock_sync("HammingMatcher")?;
        Ok(s.run(&query, &train, &f, &mut out)?)
    }

    /// `matchSync` on the libuv thread pool (worth it from about 1000 × 1000 descriptors).
    #[napi(js_name = "match", ts_return_type = "Promise<number>")]
    pub fn match_async(
        &self,
        query: Uint8Array,
        train: Uint8Array,
        out: MatchBuffers,
        options: Option<MatchOptions>,
    ) -> Result<AsyncTask<MatchTask>> {
        let f = filter(options)?;
        Ok(AsyncTask::new(MatchTask {
            scratch: Pending::new(&self.scratch),
            query,
            train,
            out,
            filter: f,
        }))
    }

    /// The two nearest train descriptors of each query (OpenCV `knnMatch(k=2)`): `trainIdx` and
    /// `distance` get `2 · queries` ints, nearest first; −1 where there is no second.
    #[napi]
    pub fn knn_match_sync(
        &self,
        query: Uint8ArraySlice<'_>,
        train: Uint8ArraySlice<'_>,
        mut train_idx: Int32ArraySlice<'_>,
        mut distance: Int32ArraySlice<'_>,
    ) -> Result<()> {
        let mut s = self.scratch.lock_sync("HammingMatcher")?;
        let nq = s.matcher.count("query", &query)?;
        require_len("trainIdx", "ints", 2 * nq, train_idx.len())?;
        require_len("distance", "ints", 2 * nq, distance.len())?;
        // SAFETY: the caller owns the outputs during this synchronous call.
        let (ti, di) = unsafe { (train_idx.as_mut(), distance.as_mut()) };
        Ok(s.matcher.knn2(&query, &train, ti, di)?)
    }
}

/// The work of `HammingMatcher.match`.
pub struct MatchTask {
    scratch: Pending<Scratch>,
    query: Uint8Array,
    train: Uint8Array,
    out: MatchBuffers,
    filter: MatchFilter,
}

impl Task for MatchTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let mut s = self.scratch.lock("HammingMatcher")?;
        Ok(s.run(&self.query, &self.train, &self.filter, &mut self.out)?)
    }

    fn resolve(&mut self, _env: Env, n: u32) -> Result<u32> {
        Ok(n)
    }
}
