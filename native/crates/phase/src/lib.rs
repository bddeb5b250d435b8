//! Phase and clock math.
