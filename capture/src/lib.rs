//! wirelens capture engine.
