//! Input formats: how a stream is cut into documents and how each is written back.

pub mod text;
