//! The window's names for the claim and time wording in [`crate::format`], which the
//! command line shares.

pub use crate::format::{
    SECONDS_BELOW, claim_meaning as meaning, claim_value_in_table as display_value, countdown,
    countdown_next_change, countdown_next_change_ms, is_time_claim, local_time as local,
};
