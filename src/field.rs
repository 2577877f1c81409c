//! A profile's fields, each with its words in every place it is named: the noun in error
//! messages, the window's label, the CLI's flag and the cognite-toolkit `.env` variable.
//! One enum instead of string keys shared between validation, the editor and the import.

/// One field of a profile (plus its secret, which lives in the keyring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Cluster,
    Project,
    TenantId,
    ClientId,
    Flow,
    Authority,
    BaseUrl,
    TokenUrl,
    Scopes,
    Audience,
    Port,
    LoginHint,
    Prompt,
    ClientSecret,
    ClientSecretEnv,
    ClientSecretFile,
    ApiKey,
    Certificate,
    PrivateKey,
    CaFile,
    /// A Cognite organization (`login --org`).
    Org,
}

impl Field {
    /// How messages name it: "invalid tenant id: ...".
    pub fn noun(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Cluster => "cluster",
            Field::Project => "project",
            Field::TenantId => "tenant id",
            Field::ClientId => "client id",
            Field::Flow => "flow",
            Field::Authority => "authority",
            Field::BaseUrl => "base URL",
            Field::TokenUrl => "token URL",
            Field::Scopes => "scope",
            Field::Audience => "audience",
            Field::Port => "port",
            Field::LoginHint => "login hint",
            Field::Prompt => "prompt",
            Field::ClientSecret => "client secret",
            Field::ClientSecretEnv => "client secret variable",
            Field::ClientSecretFile => "client secret file",
            Field::ApiKey => "API key",
            Field::Certificate => "certificate",
            Field::PrivateKey => "private key",
            Field::CaFile => "CA file",
            Field::Org => "organization",
        }
    }

    /// The label of its input in the window's profile editor.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Profile name",
            Field::Cluster => "Cluster",
            Field::Project => "Project",
            Field::TenantId => "Tenant id",
            Field::ClientId => "Client id",
            Field::Flow => "Sign-in flow",
            Field::Authority => "Authority",
            Field::BaseUrl => "Base URL",
            Field::TokenUrl => "Token URL",
            Field::Scopes => "Scopes",
            Field::Audience => "Audience",
            Field::Port => "Redirect port",
            Field::LoginHint => "Login hint (optional)",
            Field::Prompt => "Prompt",
            Field::ClientSecret => "Client secret",
            Field::ClientSecretEnv => "Environment variable with the secret",
            Field::ClientSecretFile => "File with the secret (mode 0600)",
            Field::ApiKey => "API key",
            Field::Certificate => "Certificate (PEM), instead of a secret",
            Field::PrivateKey => "Private key (PEM)",
            Field::CaFile => "Extra CA file (PEM)",
            Field::Org => "Organization",
        }
    }

    /// The `profile add` flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Name => "NAME",
            Field::Cluster => "--cluster",
            Field::Project => "--project",
            Field::TenantId => "--tenant-id",
            Field::ClientId => "--client-id",
            Field::Flow => "--flow",
            Field::Authority => "--authority",
            Field::BaseUrl => "--base-url",
            Field::TokenUrl => "--token-url",
            Field::Scopes => "--scope",
            Field::Audience => "--audience",
            Field::Port => "--port",
            Field::LoginHint => "--login-hint",
            Field::Prompt => "--prompt",
            Field::ClientSecret => "--client-secret-stdin",
            Field::ClientSecretEnv => "--client-secret-env",
            Field::ClientSecretFile => "--client-secret-file",
            Field::ApiKey => "--api-key-stdin",
            Field::Certificate => "--certificate",
            Field::PrivateKey => "--private-key",
            Field::CaFile => "--ca-file",
            Field::Org => "--org",
        }
    }

    /// The cognite-toolkit `.env` variable it is imported from (`LOGIN_FLOW` for what
    /// only the flow explains).
    pub fn env_var(self) -> &'static str {
        match self {
            Field::Cluster => "CDF_CLUSTER",
            Field::Project => "CDF_PROJECT",
            Field::TenantId => "IDP_TENANT_ID",
            Field::ClientId => "IDP_CLIENT_ID",
            Field::Authority => "IDP_AUTHORITY_URL",
            Field::BaseUrl => "CDF_URL",
            Field::TokenUrl => "IDP_TOKEN_URL",
            Field::Scopes => "IDP_SCOPES",
            Field::Audience => "IDP_AUDIENCE",
            Field::Port => "CDF_REDIRECT_PORT",
            Field::ClientSecret => "IDP_CLIENT_SECRET",
            Field::ApiKey => "CDF_API_KEY",
            _ => "LOGIN_FLOW",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_has_its_own_words() {
        assert_eq!(Field::TenantId.noun(), "tenant id");
        assert_eq!(Field::TenantId.label(), "Tenant id");
        assert_eq!(Field::TenantId.flag(), "--tenant-id");
        assert_eq!(Field::TenantId.env_var(), "IDP_TENANT_ID");
        assert_eq!(Field::BaseUrl.to_string(), "base URL");
        assert_eq!(Field::LoginHint.env_var(), "LOGIN_FLOW");
    }
}
