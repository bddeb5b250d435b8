//! Features and optical flow on GRAY8 images, with OpenCV's semantics so that results can be checked
//! against it: the Gaussian pyramid (`cv::pyrDown`), FAST-9 corners with non-maximum suppression
//! and a grid spread, ORB (oriented FAST + rotated BRIEF with OpenCV's learned pattern), brute-force
//! Hamming matching (ratio test, cross-check) and pyramidal Lucas–Kanade tracking (Bouguet) with a
//! forward–backward check.
//!
//! Every pipeline is a reusable object ([`fast::FastDetector`], [`orb::OrbExtractor`],
//! [`matching::HammingMatcher`], [`klt::KltTracker`]) that keeps its scratch buffers, so a call on a
//! frame of a size seen before allocates nothing. Images are [`gray::GrayView`]s over caller buffers
//! (any stride). Hot loops have SIMD paths (x86-64 AVX2/SSE2 chosen at run time, aarch64 NEON) beside
//! a portable one; unit tests check that they agree.

pub mod fast;
pub mod gray;
pub mod klt;
pub mod matching;
pub mod orb;
pub mod pyramid;
pub mod round;
