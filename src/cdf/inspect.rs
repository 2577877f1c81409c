//! What CDF says a token may do (`GET /api/v1/token/inspect`), read leniently: CDF adds
//! ACLs, actions and scope kinds over time, and an unknown one must show as it comes,
//! never fail the whole answer.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub subject: String,
    pub projects: Vec<ProjectAccess>,
    pub capabilities: Vec<Capability>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectAccess {
    pub name: String,
    /// Group ids through which the token reaches the project.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    /// As CDF names it, e.g. `assetsAcl`.
    pub acl: String,
    pub actions: Vec<String>,
    pub scope: Scope,
    pub projects: ProjectScope,
}

/// The resource scope of a capability: `all`, `datasetScope` with ids, ...
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub kind: String,
    /// The scope's content in short words (`ids 1, 2`), none for `all`-like scopes.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProjectScope {
    All,
    Projects(Vec<String>),
    /// A project scope kind this version does not know, shown as it came.
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Reachable,
    /// The token reaches other projects (closest names first), or none.
    Unreachable {
        others: Vec<String>,
    },
}

impl Inspection {
    /// Parses the answer body; only a body that is not a JSON object is an error.
    pub fn from_json(body: &Value) -> Result<Inspection, String> {
        let obj = body.as_object().ok_or("the answer is not a JSON object")?;
        let subject = obj.get("subject").map(text).unwrap_or_default();
        let projects = list(obj.get("projects"))
            .iter()
            .filter_map(|p| {
                let p = p.as_object()?;
                Some(ProjectAccess {
                    name: p.get("projectUrlName").map(text)?,
                    groups: list(p.get("groups")).iter().map(text).collect(),
                })
            })
            .collect();
        let mut capabilities = Vec::new();
        for entry in list(obj.get("capabilities")) {
            let Some(entry) = entry.as_object() else {
                continue;
            };
            let projects = entry
                .get("projectScope")
                .map(project_scope)
                .unwrap_or(ProjectScope::All);
            for (acl, body) in entry.iter().filter(|(k, _)| *k != "projectScope") {
                capabilities.push(Capability {
                    acl: acl.clone(),
                    actions: list(body.get("actions")).iter().map(text).collect(),
                    scope: body.get("scope").map(scope).unwrap_or(Scope {
                        kind: "all".into(),
                        detail: None,
                    }),
                    projects: projects.clone(),
                });
            }
        }
        Ok(Inspection {
            subject,
            projects,
            capabilities,
        })
    }

    #[cfg(test)]
    pub fn project_names(&self) -> Vec<&str> {
        self.projects.iter().map(|p| p.name.as_str()).collect()
    }

    /// Whether the token reaches `project`; if not, the projects it does reach, the
    /// closest names first (a typo in the profile is the usual cause).
    pub fn verdict(&self, project: &str) -> Verdict {
        if self.projects.iter().any(|p| p.name == project) {
            return Verdict::Reachable;
        }
        let mut others: Vec<(usize, &str)> = self
            .projects
            .iter()
            .map(|p| (super::edit_distance(project, &p.name), p.name.as_str()))
            .collect();
        others.sort();
        Verdict::Unreachable {
            others: others.into_iter().map(|(_, n)| n.to_string()).collect(),
        }
    }

    /// One plain sentence about `project`, for people.
    pub fn verdict_sentence(&self, project: &str) -> String {
        match self.verdict(project) {
            Verdict::Reachable => format!("{project} is reachable with this token"),
            Verdict::Unreachable { others } if others.is_empty() => {
                format!("{project} is NOT reachable: this token reaches no project at all")
            }
            Verdict::Unreachable { others } => format!(
                "{project} is NOT reachable with this token; did you mean {}?",
                others
                    .iter()
                    .take(3)
                    .map(|o| format!("'{o}'"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }
    }

    /// Capabilities grouped by ACL name, ACLs sorted, each group in CDF's order.
    pub fn by_acl(&self) -> Vec<(&str, Vec<&Capability>)> {
        let mut groups: Vec<(&str, Vec<&Capability>)> = Vec::new();
        for cap in &self.capabilities {
            match groups.iter_mut().find(|(acl, _)| *acl == cap.acl) {
                Some((_, caps)) => caps.push(cap),
                None => groups.push((&cap.acl, vec![cap])),
            }
        }
        groups.sort_by_key(|g| g.0.to_lowercase());
        groups
    }
}

impl Capability {
    /// Case-insensitive match on ACL, actions, scope and project scope (the filter box).
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.trim().to_lowercase();
        needle.is_empty()
            || self.acl.to_lowercase().contains(&needle)
            || self
                .actions
                .iter()
                .any(|a| a.to_lowercase().contains(&needle))
            || self.scope.to_string().to_lowercase().contains(&needle)
            || self.projects.to_string().to_lowercase().contains(&needle)
    }

    pub fn applies_to(&self, project: &str) -> bool {
        match &self.projects {
            ProjectScope::All => true,
            ProjectScope::Projects(p) => p.iter().any(|p| p == project),
            ProjectScope::Other(_) => false,
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{} ({d})", self.kind),
            None => f.write_str(&self.kind),
        }
    }
}

impl std::fmt::Display for ProjectScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectScope::All => f.write_str("all projects"),
            ProjectScope::Projects(p) => f.write_str(&p.join(", ")),
            ProjectScope::Other(o) => f.write_str(o),
        }
    }
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A JSON value as plain text: strings without quotes, anything else compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn scope(v: &Value) -> Scope {
    let Some((kind, body)) = v.as_object().and_then(|o| o.iter().next()) else {
        return Scope {
            kind: text(v),
            detail: None,
        };
    };
    Scope {
        kind: kind.clone(),
        detail: describe(body),
    }
}

/// `{"ids":[1,2]}` → `ids 1, 2`; `{"dbsToTables":{"db":["t"]}}` → `dbsToTables db: t`;
/// an empty object → nothing; anything else → compact JSON.
fn describe(v: &Value) -> Option<String> {
    let obj: &Map<String, Value> = match v {
        Value::Object(o) if o.is_empty() => return None,
        Value::Object(o) => o,
        Value::Null => return None,
        other => return Some(text(other)),
    };
    let parts: Vec<String> = obj
        .iter()
        .map(|(k, v)| match v {
            Value::Array(items) => {
                format!(
                    "{k} {}",
                    items.iter().map(text).collect::<Vec<_>>().join(", ")
                )
            }
            Value::Object(inner) => {
                let inner: Vec<String> = inner
                    .iter()
                    .map(|(ik, iv)| match iv {
                        Value::Array(items) if items.is_empty() => format!("{ik}: all tables"),
                        Value::Array(items) => format!(
                            "{ik}: {}",
                            items.iter().map(text).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("{ik}: {}", text(other)),
                    })
                    .collect();
                format!("{k} {}", inner.join("; "))
            }
            other => format!("{k} {}", text(other)),
        })
        .collect();
    Some(parts.join("; "))
}

fn project_scope(v: &Value) -> ProjectScope {
    let Some(obj) = v.as_object() else {
        return ProjectScope::Other(text(v));
    };
    if obj.contains_key("allProjects") {
        return ProjectScope::All;
    }
    if let Some(p) = obj.get("projects").and_then(Value::as_array) {
        return ProjectScope::Projects(p.iter().map(text).collect());
    }
    ProjectScope::Other(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Inspection {
        Inspection::from_json(&json!({
            "subject": "app-123",
            "projects": [
                {"projectUrlName": "my-project", "groups": [11, 12]},
                {"projectUrlName": "sandbox", "groups": [13]}
            ],
            "capabilities": [
                {"assetsAcl": {"actions": ["READ", "WRITE"], "scope": {"all": {}}},
                 "projectScope": {"allProjects": {}}},
                {"rawAcl": {"actions": ["READ"], "scope": {"tableScope": {"dbsToTables": {"db1": ["t1", "t2"], "db2": []}}}},
                 "projectScope": {"projects": ["my-project"]}},
                {"assetsAcl": {"actions": ["READ"], "scope": {"datasetScope": {"ids": [1, 2]}}},
                 "projectScope": {"projects": ["sandbox"]}},
                {"quantumAcl": {"actions": ["ENTANGLE"], "scope": {"multiverseScope": {"branch": 7}}},
                 "projectScope": {"galaxy": {"name": "m31"}}}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn parses_projects_and_capabilities() {
        let i = sample();
        assert_eq!(i.subject, "app-123");
        assert_eq!(i.project_names(), ["my-project", "sandbox"]);
        assert_eq!(i.projects[0].groups, ["11", "12"]);
        assert_eq!(i.capabilities.len(), 4);
        assert_eq!(i.capabilities[0].scope.to_string(), "all");
        assert_eq!(i.capabilities[0].projects, ProjectScope::All);
        assert_eq!(
            i.capabilities[1].scope.to_string(),
            "tableScope (dbsToTables db1: t1, t2; db2: all tables)"
        );
        assert_eq!(
            i.capabilities[2].scope.to_string(),
            "datasetScope (ids 1, 2)"
        );
    }

    #[test]
    fn unknown_acls_actions_and_scopes_show_as_they_come() {
        let cap = &sample().capabilities[3];
        assert_eq!(cap.acl, "quantumAcl");
        assert_eq!(cap.actions, ["ENTANGLE"]);
        assert_eq!(cap.scope.to_string(), "multiverseScope (branch 7)");
        assert_eq!(cap.projects.to_string(), r#"{"galaxy":{"name":"m31"}}"#);
    }

    #[test]
    fn odd_bodies_do_not_fail() {
        let i =
            Inspection::from_json(&json!({"capabilities": [5, {"xAcl": {}}], "projects": [{}]}))
                .unwrap();
        assert_eq!(i.subject, "");
        assert!(i.projects.is_empty());
        assert_eq!(i.capabilities[0].acl, "xAcl");
        assert!(Inspection::from_json(&json!([1])).is_err());
    }

    #[test]
    fn verdict_names_the_closest_projects_first() {
        let i = sample();
        assert_eq!(i.verdict("sandbox"), Verdict::Reachable);
        assert_eq!(
            i.verdict("my-projekt"),
            Verdict::Unreachable {
                others: vec!["my-project".into(), "sandbox".into()]
            }
        );
    }

    #[test]
    fn grouping_and_filter() {
        let i = sample();
        let groups = i.by_acl();
        let names: Vec<&str> = groups.iter().map(|(a, _)| *a).collect();
        assert_eq!(names, ["assetsAcl", "quantumAcl", "rawAcl"]);
        assert_eq!(groups[0].1.len(), 2);
        let hits: Vec<&str> = i
            .capabilities
            .iter()
            .filter(|c| c.matches("DATASET"))
            .map(|c| c.acl.as_str())
            .collect();
        assert_eq!(hits, ["assetsAcl"]);
        assert!(i.capabilities[1].applies_to("my-project"));
        assert!(!i.capabilities[1].applies_to("sandbox"));
    }
}
