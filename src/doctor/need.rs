//! A capability a person needs (`--need assetsAcl:READ`), and the ACL names CDF knows,
//! for suggestions as they are typed.

use crate::cdf::inspect::{Capability, Inspection};

/// One ACL and one action, as CDF names them (`assetsAcl`, `READ`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub acl: String,
    pub action: String,
}

impl std::str::FromStr for Need {
    type Err = String;

    /// `ACL:ACTION`; the action in any case (`read` is `READ`), and the ACL with or
    /// without its `Acl` ending (`assets:READ` is `assetsAcl:READ`).
    fn from_str(text: &str) -> Result<Need, String> {
        let (acl, action) = text
            .trim()
            .split_once(':')
            .ok_or_else(|| format!("'{text}' is not ACL:ACTION (e.g. assetsAcl:READ)"))?;
        let (acl, action) = (acl.trim(), action.trim());
        if acl.is_empty() || action.is_empty() || action.contains(':') {
            return Err(format!("'{text}' is not ACL:ACTION (e.g. assetsAcl:READ)"));
        }
        let acl = if acl.to_lowercase().ends_with("acl") {
            acl.to_string()
        } else {
            format!("{acl}Acl")
        };
        Ok(Need {
            acl,
            action: action.to_uppercase(),
        })
    }
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.acl, self.action)
    }
}

/// Whether and where a need is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// For the profile's project.
    Granted,
    /// Only for these other projects.
    ElsewhereOnly(Vec<String>),
    Missing,
}

impl Need {
    fn matches(&self, cap: &Capability) -> bool {
        cap.acl.eq_ignore_ascii_case(&self.acl)
            && cap
                .actions
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&self.action))
    }

    /// What the inspection says about this need in `project`.
    pub fn grant(&self, inspection: &Inspection, project: &str) -> Grant {
        let matching: Vec<&Capability> = inspection
            .capabilities
            .iter()
            .filter(|c| self.matches(c))
            .collect();
        if matching.iter().any(|c| c.applies_to(project)) {
            return Grant::Granted;
        }
        let mut elsewhere: Vec<String> = matching.iter().map(|c| c.projects.to_string()).collect();
        elsewhere.sort();
        elsewhere.dedup();
        if elsewhere.is_empty() {
            Grant::Missing
        } else {
            Grant::ElsewhereOnly(elsewhere)
        }
    }
}

/// Parses a list typed in a field: needs separated by commas, spaces or new lines.
pub fn parse_list(text: &str) -> Result<Vec<Need>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

/// CDF's ACL names (as in its group API). Others are accepted too: these only power
/// suggestions.
pub const KNOWN_ACLS: &[&str] = &[
    "analyticsAcl",
    "annotationsAcl",
    "appConfigAcl",
    "assetsAcl",
    "auditlogAcl",
    "dataModelInstancesAcl",
    "dataModelsAcl",
    "datapointSubscriptionAcl",
    "datasetsAcl",
    "diagramParsingAcl",
    "digitalTwinAcl",
    "documentFeedbackAcl",
    "documentPipelinesAcl",
    "entitymatchingAcl",
    "eventsAcl",
    "extractionConfigsAcl",
    "extractionPipelinesAcl",
    "extractionRunsAcl",
    "filePipelinesAcl",
    "filesAcl",
    "functionsAcl",
    "geospatialAcl",
    "geospatialCrsAcl",
    "groupsAcl",
    "hostedExtractorsAcl",
    "labelsAcl",
    "locationFiltersAcl",
    "monitoringTasksAcl",
    "notificationsAcl",
    "pipelinesAcl",
    "postgresGatewayAcl",
    "projectsAcl",
    "rawAcl",
    "relationshipsAcl",
    "roboticsAcl",
    "sapWritebackAcl",
    "scheduledCalculationsAcl",
    "securityCategoriesAcl",
    "seismicAcl",
    "sequencesAcl",
    "sessionsAcl",
    "simulatorsAcl",
    "templateGroupsAcl",
    "templateInstancesAcl",
    "threedAcl",
    "timeSeriesAcl",
    "timeSeriesSubscriptionsAcl",
    "transformationsAcl",
    "userProfilesAcl",
    "visionModelAcl",
    "wellsAcl",
    "workflowOrchestrationAcl",
];

/// The actions most ACLs have.
pub const COMMON_ACTIONS: &[&str] = &["READ", "WRITE", "OWNER", "MEMBEROF", "LIST", "RUN"];

/// Completions for the word being typed (`partial`, the text after the last separator):
/// ACL names starting with it (case-insensitive), then ones containing it; after a
/// colon, `ACL:ACTION` for the common actions. At most `limit`.
pub fn suggestions(partial: &str, extra_acls: &[&str], limit: usize) -> Vec<String> {
    let partial = partial.trim();
    if partial.is_empty() {
        return Vec::new();
    }
    if let Some((acl, action)) = partial.split_once(':') {
        let action = action.to_uppercase();
        return COMMON_ACTIONS
            .iter()
            .filter(|a| a.starts_with(&action) && **a != action)
            .map(|a| format!("{acl}:{a}"))
            .take(limit)
            .collect();
    }
    let lower = partial.to_lowercase();
    let mut names: Vec<&str> = KNOWN_ACLS
        .iter()
        .copied()
        .chain(extra_acls.iter().copied())
        .collect();
    names.sort_unstable();
    names.dedup();
    let starts = names
        .iter()
        .filter(|n| n.to_lowercase().starts_with(&lower));
    let contains = names.iter().filter(|n| {
        let n = n.to_lowercase();
        !n.starts_with(&lower) && n.contains(&lower)
    });
    starts
        .chain(contains)
        .filter(|n| !n.eq_ignore_ascii_case(partial))
        .map(|n| format!("{n}:"))
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn needs_parse_leniently_and_refuse_what_is_not_acl_action() {
        let n: Need = "assets:read".parse().unwrap();
        assert_eq!(n.to_string(), "assetsAcl:READ");
        let n: Need = " timeSeriesAcl:WRITE ".parse().unwrap();
        assert_eq!(
            (n.acl.as_str(), n.action.as_str()),
            ("timeSeriesAcl", "WRITE")
        );
        for bad in ["assetsAcl", ":READ", "assetsAcl:", "a:b:c"] {
            assert!(bad.parse::<Need>().is_err(), "{bad}");
        }
        let list = parse_list("assetsAcl:READ, rawAcl:WRITE\nfilesAcl:READ").unwrap();
        assert_eq!(list.len(), 3);
        assert!(parse_list("assetsAcl:READ nonsense").is_err());
        assert!(parse_list("  ").unwrap().is_empty());
    }

    #[test]
    fn grants_are_found_per_project() {
        let i = Inspection::from_json(&json!({
            "projects": [{"projectUrlName": "p"}],
            "capabilities": [
                {"assetsAcl": {"actions": ["READ"], "scope": {"all": {}}}, "projectScope": {"allProjects": {}}},
                {"rawAcl": {"actions": ["READ", "WRITE"], "scope": {"all": {}}}, "projectScope": {"projects": ["sandbox"]}}
            ]
        }))
        .unwrap();
        let need = |s: &str| s.parse::<Need>().unwrap();
        assert_eq!(need("assetsAcl:READ").grant(&i, "p"), Grant::Granted);
        assert_eq!(need("assetsacl:read").grant(&i, "p"), Grant::Granted);
        assert_eq!(need("assetsAcl:WRITE").grant(&i, "p"), Grant::Missing);
        assert_eq!(
            need("rawAcl:WRITE").grant(&i, "p"),
            Grant::ElsewhereOnly(vec!["sandbox".into()])
        );
        assert_eq!(need("rawAcl:WRITE").grant(&i, "sandbox"), Grant::Granted);
    }

    #[test]
    fn suggestions_complete_acl_names_then_actions() {
        assert_eq!(
            suggestions("time", &[], 2),
            ["timeSeriesAcl:", "timeSeriesSubscriptionsAcl:"]
        );
        assert_eq!(
            suggestions("SERIES", &[], 1),
            ["timeSeriesAcl:"],
            "contains, any case"
        );
        assert_eq!(suggestions("quant", &["quantumAcl"], 5), ["quantumAcl:"]);
        assert_eq!(suggestions("rawAcl:w", &[], 5), ["rawAcl:WRITE"]);
        assert!(
            suggestions("rawAcl:WRITE", &[], 5).is_empty(),
            "complete already"
        );
        assert!(suggestions("", &[], 5).is_empty());
    }
}
