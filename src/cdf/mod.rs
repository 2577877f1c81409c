//! Speaking CDF: what a token may do (token/inspect, legacy login/status), handing a
//! profile to scripts, and importing cognite-toolkit `.env` files.

pub mod export;
