//! Settings resolved once: the config file read and checked
//! (`config_file`).

pub mod config_file;
