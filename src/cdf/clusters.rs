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
}
