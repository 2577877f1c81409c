//! The CDF clusters people use most. Any other name is accepted too (new clusters appear,
//! and Private Link hosts are given as a base URL); these only power suggestions.

pub const KNOWN: &[&str] = &[
    "api",
    "westeurope-1",
    "asia-northeast1-1",
    "az-eastus-1",
    "az-power-no-northeurope",
    "az-ams-sp-002",
    "az-sin-sp-001",
    "az-tyo-gp-001",
    "aws-dub-dev",
    "greenfield",
    "bluefield",
];

/// The cluster a pasted hostname or URL names: `westeurope-1.cognitedata.com` and
/// `https://westeurope-1.cognitedata.com/` are `westeurope-1`. Anything else comes back
/// as given (trimmed), for the profile's checks to judge; a Private Link host, which
/// has more labels, is a base URL, not a cluster.
pub fn cluster_name(input: &str) -> String {
    let given = input.trim();
    let rest = given
        .strip_prefix("https://")
        .or_else(|| given.strip_prefix("http://"))
        .unwrap_or(given);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match host.strip_suffix(".cognitedata.com") {
        Some(cluster) if !cluster.is_empty() && !cluster.contains('.') => cluster.to_string(),
        _ => given.to_string(),
    }
}

/// The cluster of a base URL on cognitedata.com (`https://westeurope-1.cognitedata.com`,
/// a Private Link host's cluster), or none: a local stand-in or a proxy has no cluster.
pub fn of_base_url(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| crate::urls::cluster_of(&u))
        .unwrap_or_default()
}

/// A known cluster one or two typos away from `name` (none when `name` is known).
pub fn did_you_mean(name: &str) -> Option<&'static str> {
    if KNOWN.contains(&name) {
        return None;
    }
    KNOWN
        .iter()
        .map(|k| (super::edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion_and_known_or_new_names_do_not() {
        assert_eq!(did_you_mean("westeurpe-1"), Some("westeurope-1"));
        assert_eq!(did_you_mean("az-eastus1"), Some("az-eastus-1"));
        assert_eq!(did_you_mean("westeurope-1"), None);
        assert_eq!(did_you_mean("my-private-cluster"), None);
    }

    #[test]
    fn a_pasted_hostname_or_url_becomes_the_cluster_name() {
        for pasted in [
            "westeurope-1.cognitedata.com",
            "https://westeurope-1.cognitedata.com/",
            " https://westeurope-1.cognitedata.com/odin?x=1 ",
            "http://WestEurope-1.cognitedata.com.",
            "westeurope-1",
        ] {
            assert_eq!(
                cluster_name(pasted).to_lowercase(),
                "westeurope-1",
                "{pasted}"
            );
        }
        // Not a cluster's own host: left for the checks (a Private Link host is a base URL).
        assert_eq!(
            cluster_name("p001.plink.az-x-1.cognitedata.com"),
            "p001.plink.az-x-1.cognitedata.com"
        );
        assert_eq!(cluster_name("example.com"), "example.com");
    }
}
