//! The one description of the sign-in flows' fields: which fields each flow takes, which
//! it requires, and the two rules that depend on other fields (a tenant may be unknown; a
//! certificate goes with its key). `Profile::validate`, `ProfileDraft::check`, the
//! window's editor (what it draws, what it leaves out on Save) and the CLI's refusals all
//! read it, so a field one of them accepts is never one another refuses.

use super::{Field, Flow};

/// How a flow takes a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// It must be given (a tenant: unless [`tenant_optional`] says otherwise).
    Required,
    /// It may be given; empty means the default.
    Optional,
    /// The flow does not use it: a value given for it is refused.
    Not,
}

/// Every field a profile can hold, in the order a profile is described.
pub const FIELDS: [Field; 22] = [
    Field::Name,
    Field::Flow,
    Field::Cluster,
    Field::Project,
    Field::TenantId,
    Field::ClientId,
    Field::Org,
    Field::Authority,
    Field::BaseUrl,
    Field::TokenUrl,
    Field::Scopes,
    Field::Audience,
    Field::Port,
    Field::LoginHint,
    Field::Prompt,
    Field::ClientSecret,
    Field::ClientSecretEnv,
    Field::ClientSecretFile,
    Field::Certificate,
    Field::PrivateKey,
    Field::ApiKey,
    Field::CaFile,
];

impl Flow {
    /// Every flow, in the order the window offers them.
    pub const ALL: [Flow; 4] = [
        Flow::Interactive,
        Flow::DeviceCode,
        Flow::ClientCredentials,
        Flow::ApiKey,
    ];

    /// How this flow takes `field`.
    pub fn takes(self, field: Field) -> Takes {
        use Field as F;
        use Takes::{Not, Optional, Required};
        match (self, field) {
            (_, F::Name | F::Flow | F::Cluster | F::Project) => Required,
            // Where tokens go, and the CA to trust there: every flow.
            (_, F::BaseUrl | F::CaFile) => Optional,
            // A legacy API key has no identity provider.
            (Flow::ApiKey, F::ApiKey) => Required,
            (Flow::ApiKey, _) | (_, F::ApiKey) => Not,
            (_, F::TenantId | F::ClientId) => Required,
            (_, F::Authority | F::TokenUrl | F::Scopes | F::Audience) => Optional,
            // The browser's: a loopback port, who signs in, how, and the organization.
            (Flow::Interactive, F::Port | F::LoginHint | F::Prompt | F::Org) => Optional,
            (_, F::Port | F::LoginHint | F::Prompt | F::Org) => Not,
            // A service principal's proof: a secret (stored, or read from a variable or a
            // file) or a certificate with its key.
            (Flow::ClientCredentials, F::ClientSecret) => Required,
            (
                Flow::ClientCredentials,
                F::ClientSecretEnv | F::ClientSecretFile | F::Certificate | F::PrivateKey,
            ) => Optional,
            (_, F::ClientSecret | F::ClientSecretEnv | F::ClientSecretFile)
            | (_, F::Certificate | F::PrivateKey) => Not,
        }
    }

    /// The fields this flow uses.
    pub fn fields(self) -> impl Iterator<Item = Field> {
        FIELDS
            .into_iter()
            .filter(move |f| self.takes(*f) != Takes::Not)
    }
}

/// Whether a profile may leave its tenant empty (unknown): a service principal with a
/// token URL (the toolkit's `IDP_TOKEN_URL` on any provider) and an organization's
/// profile (Cognite's identity provider has no tenant).
pub fn tenant_optional(flow: Flow, has_token_url: bool, has_org: bool) -> bool {
    (flow == Flow::ClientCredentials && has_token_url) || has_org
}

/// Whether a profile may leave its cluster empty: when its base URL is given, that
/// says where CDF is (a local stand-in, a proxy), and a cluster would be made up.
pub fn cluster_optional(has_base_url: bool) -> bool {
    has_base_url
}

/// A certificate goes with its private key: the one of the pair that is missing, if
/// only one is given.
pub fn missing_of_pair(has_certificate: bool, has_private_key: bool) -> Option<Field> {
    match (has_certificate, has_private_key) {
        (true, false) => Some(Field::PrivateKey),
        (false, true) => Some(Field::Certificate),
        _ => None,
    }
}

/// The one flow that takes `field`, if only one does (a login hint: interactive).
pub fn only_flow(field: Field) -> Option<Flow> {
    let mut users = Flow::ALL
        .into_iter()
        .filter(|f| f.takes(field) != Takes::Not);
    match (users.next(), users.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Why `field` is refused for `flow`, in plain words naming both.
pub fn not_for_flow(flow: Flow, field: Field) -> String {
    match only_flow(field) {
        Some(only) => format!(
            "a {} applies to the {} flow only, not to {}",
            field.noun(),
            only.as_str(),
            flow.as_str()
        ),
        None => format!(
            "a {} does not apply to the {} flow",
            field.noun(),
            flow.as_str()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flow_requires_where_and_who_and_refuses_the_others_proof() {
        for flow in Flow::ALL {
            for f in [Field::Name, Field::Cluster, Field::Project] {
                assert_eq!(flow.takes(f), Takes::Required, "{flow:?} {f:?}");
            }
            assert_eq!(flow.takes(Field::BaseUrl), Takes::Optional);
        }
        assert_eq!(Flow::ApiKey.takes(Field::TenantId), Takes::Not);
        assert_eq!(Flow::DeviceCode.takes(Field::LoginHint), Takes::Not);
        assert_eq!(Flow::Interactive.takes(Field::Certificate), Takes::Not);
        assert_eq!(Flow::ClientCredentials.takes(Field::Org), Takes::Not);
        assert_eq!(
            Flow::ClientCredentials.takes(Field::ClientSecret),
            Takes::Required
        );
        assert_eq!(Flow::ApiKey.takes(Field::ApiKey), Takes::Required);
        assert_eq!(Flow::Interactive.takes(Field::ApiKey), Takes::Not);
    }

    #[test]
    fn the_rules_between_fields() {
        assert!(tenant_optional(Flow::ClientCredentials, true, false));
        assert!(!tenant_optional(Flow::ClientCredentials, false, false));
        assert!(!tenant_optional(Flow::DeviceCode, true, false));
        assert!(tenant_optional(Flow::Interactive, false, true));
        assert_eq!(missing_of_pair(true, false), Some(Field::PrivateKey));
        assert_eq!(missing_of_pair(false, true), Some(Field::Certificate));
        assert_eq!(missing_of_pair(true, true), None);
        assert_eq!(
            not_for_flow(Flow::DeviceCode, Field::LoginHint),
            "a login hint applies to the interactive flow only, not to device-code"
        );
        assert_eq!(
            not_for_flow(Flow::ApiKey, Field::TenantId),
            "a tenant id does not apply to the api-key flow"
        );
    }
}
