//! Features and optical flow.
