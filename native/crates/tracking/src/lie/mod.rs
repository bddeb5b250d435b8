//! Lie-group helpers: SO(3) (rotation matrices and unit quaternions) and SE(3).

pub mod quat;
pub mod se3;
pub mod so3;

#[cfg(test)]
mod tests;
