//! When the open window renews a profile's token by itself: a pure decision over the
//! profiles, their states and the settings, so it is tested without a window or a clock.

use chrono::{DateTime, Utc};

use super::model::Settings;
use super::state::{ProfileStates, ShownToken};
use crate::profile::ProfileFile;

/// Tokens are renewed this long before they expire while the window is open (or half
/// their lifetime before, for short-lived tokens: see [`renew_margin`]).
pub const RENEW_BEFORE_SECS: i64 = 5 * 60;
/// Never renew one profile automatically more often than this, whatever the provider
/// hands out.
const MIN_RENEW_INTERVAL_SECS: i64 = 30;
/// After a failed background renewal, wait this long before trying again.
const RETRY_AFTER_FAILURE_SECS: i64 = 60;

/// How long before expiry a token is renewed: five minutes, but at most half its
/// lifetime, so a token that lives five minutes or less is not "due" the moment it
/// arrives (which would renew it in a loop).
pub fn renew_margin(tokens: &ShownToken) -> i64 {
    match tokens.lifetime_secs() {
        Some(l) => RENEW_BEFORE_SECS.min(l / 2),
        None => RENEW_BEFORE_SECS,
    }
}

/// What is due now, and when to look again.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Profiles to renew now, each with the validity its new token must have.
    pub due: Vec<(String, i64)>,
    /// Seconds until the next profile becomes due (or may be retried).
    pub next_in_secs: Option<i64>,
}

pub fn plan(
    profiles: &ProfileFile,
    states: &ProfileStates,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Plan {
    let mut plan = Plan::default();
    let wake_in = |secs: i64, plan: &mut Plan| {
        plan.next_in_secs = Some(plan.next_in_secs.map_or(secs, |n| n.min(secs)));
    };
    for (name, profile) in &profiles.profiles {
        let Some(state) = states.get(name) else {
            continue;
        };
        let Some(tokens) = &state.tokens else {
            continue;
        };
        if !profile.renews_silently(tokens.renewable)
            || !settings.auto_refresh_for(name)
            || state.is_pending(super::state::OpKind::Renewal)
        {
            continue;
        }
        if let Some(failed) = state.failed_renewal
            && (now - failed).num_seconds() < RETRY_AFTER_FAILURE_SECS
        {
            wake_in(
                RETRY_AFTER_FAILURE_SECS - (now - failed).num_seconds(),
                &mut plan,
            );
            continue;
        }
        let margin = renew_margin(tokens);
        let until_due = tokens.seconds_left(now) - margin;
        let since_last = state.last_auto_renewal.map(|t| (now - t).num_seconds());
        if let Some(since) = since_last.filter(|s| *s < MIN_RENEW_INTERVAL_SECS) {
            wake_in((MIN_RENEW_INTERVAL_SECS - since).max(until_due), &mut plan);
        } else if until_due < 0 {
            // Strictly less: `seconds_left` truncates, and the session must see less than
            // `margin` left too, or it serves the cached token again.
            plan.due.push((name.clone(), margin));
        } else {
            wake_in(until_due, &mut plan);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Flow;
    use crate::profile::tests::sample as profile;
    use crate::secrets::Secret;
    use chrono::Duration;

    fn tokens(now: DateTime<Utc>, left_secs: i64, refresh: bool) -> ShownToken {
        with_access_token(now, left_secs, refresh, "not-a-jwt")
    }

    fn with_access_token(
        now: DateTime<Utc>,
        left_secs: i64,
        refresh: bool,
        access_token: &str,
    ) -> ShownToken {
        ShownToken::from(crate::token::TokenSet {
            access_token: Secret::new(access_token),
            token_type: "Bearer".into(),
            expires_at: now + Duration::seconds(left_secs),
            refresh_token: refresh.then(|| Secret::new("rt")),
            id_token: None,
            scope: None,
        })
    }

    fn setup(flow: Flow, left: i64, refresh: bool) -> (ProfileFile, ProfileStates, DateTime<Utc>) {
        let now = Utc::now();
        let mut file = ProfileFile::default();
        file.profiles.insert("p".into(), profile(flow));
        let mut states = ProfileStates::default();
        states.entry("p").tokens = Some(tokens(now, left, refresh));
        (file, states, now)
    }

    #[test]
    fn a_token_inside_the_margin_is_due() {
        let (file, states, now) = setup(Flow::ClientCredentials, 100, false);
        let plan = plan(&file, &states, &Settings::default(), now);
        assert_eq!(plan.due, vec![("p".to_string(), RENEW_BEFORE_SECS)]);
    }

    #[test]
    fn a_fresh_token_wakes_the_window_when_it_becomes_due() {
        let (file, states, now) = setup(Flow::ClientCredentials, 3600, false);
        let plan = plan(&file, &states, &Settings::default(), now);
        assert!(plan.due.is_empty());
        let next = plan.next_in_secs.unwrap();
        assert!((3599 - RENEW_BEFORE_SECS..=3600 - RENEW_BEFORE_SECS).contains(&next));
    }

    #[test]
    fn a_user_flow_without_refresh_token_is_never_renewed() {
        let (file, states, now) = setup(Flow::DeviceCode, 10, false);
        assert_eq!(
            plan(&file, &states, &Settings::default(), now),
            Plan::default()
        );
        let (file, states, now) = setup(Flow::DeviceCode, 10, true);
        assert_eq!(plan(&file, &states, &Settings::default(), now).due.len(), 1);
    }

    #[test]
    fn turned_off_or_already_renewing_is_left_alone() {
        let (file, mut states, now) = setup(Flow::ClientCredentials, 10, false);
        let mut settings = Settings::default();
        settings.auto_refresh.insert("p".into(), false);
        assert!(plan(&file, &states, &settings, now).due.is_empty());
        states.begin("p", crate::ui::state::OpKind::Renewal);
        assert!(
            plan(&file, &states, &Settings::default(), now)
                .due
                .is_empty()
        );
    }

    #[test]
    fn a_failure_waits_before_the_retry() {
        let (file, mut states, now) = setup(Flow::ClientCredentials, 10, false);
        states.entry("p").failed_renewal = Some(now - Duration::seconds(20));
        let plan = plan(&file, &states, &Settings::default(), now);
        assert!(plan.due.is_empty());
        assert_eq!(plan.next_in_secs, Some(RETRY_AFTER_FAILURE_SECS - 20));
    }

    #[test]
    fn one_profile_is_renewed_at_most_every_interval() {
        let (file, mut states, now) = setup(Flow::ClientCredentials, 10, false);
        states.entry("p").last_auto_renewal = Some(now - Duration::seconds(5));
        let plan = plan(&file, &states, &Settings::default(), now);
        assert!(plan.due.is_empty());
        assert_eq!(plan.next_in_secs, Some(MIN_RENEW_INTERVAL_SECS - 5));
    }

    #[test]
    fn the_margin_is_at_most_half_the_lifetime() {
        let now = Utc::now();
        let t = tokens(now, 6, false);
        assert_eq!(renew_margin(&t), RENEW_BEFORE_SECS, "no JWT: the default");
        // A JWT issued now that lives 6 s.
        let claims = crate::token::b64url(
            format!(
                r#"{{"iat":{},"exp":{}}}"#,
                now.timestamp(),
                now.timestamp() + 6
            )
            .as_bytes(),
        );
        let jwt = format!("eyJhbGciOiJub25lIn0.{claims}.x");
        let t = with_access_token(now, 6, false, &jwt);
        assert_eq!(renew_margin(&t), 3);
    }
}
