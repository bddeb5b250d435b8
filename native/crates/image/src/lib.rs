//! Image kernels: letterbox + normalize to detector tensors.

pub mod letterbox;
