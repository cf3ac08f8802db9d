//! `spec_file` in an OpenAPI-backed MCP server entry: the named file (relative to the config file)
//! is read and inlined as `spec`, so the stored server carries its document and a remote `apply`
//! sends it along.

use std::path::Path;

use serde_norway::Value;

use super::ApplyError;

/// Returns `text` with every `mcp_servers[].openapi.spec_file` replaced by the file's content
/// under `spec`. A document without `spec_file` is returned unchanged (so parse errors keep
/// their line numbers).
pub fn inline_spec_files(text: &str, base_dir: &Path) -> Result<String, ApplyError> {
    if !text.contains("spec_file") {
        return Ok(text.to_owned());
    }
    super::check_expansion(text)?;
    let mut document: Value =
        serde_norway::from_str(text).map_err(|error| ApplyError::Parse(error.to_string()))?;
    let mut changed = false;
    if let Some(servers) = document
        .get_mut("mcp_servers")
        .and_then(Value::as_sequence_mut)
    {
        for (index, server) in servers.iter_mut().enumerate() {
            let Some(openapi) = server.get_mut("openapi").and_then(Value::as_mapping_mut) else {
                continue;
            };
            let Some(file) = openapi.remove("spec_file") else {
                continue;
            };
            let Some(file) = file.as_str() else {
                return Err(ApplyError::Parse(format!(
                    "mcp_servers[{index}].openapi.spec_file: must be a path"
                )));
            };
            if openapi.contains_key("spec") || openapi.contains_key("spec_url") {
                return Err(ApplyError::Parse(format!(
                    "mcp_servers[{index}].openapi: give one of spec, spec_file and spec_url"
                )));
            }
            let path = base_dir.join(file);
            let spec = std::fs::read_to_string(&path).map_err(|source| ApplyError::Read {
                path: path.display().to_string(),
                source,
            })?;
            openapi.insert(Value::from("spec"), Value::from(spec));
            changed = true;
        }
    }
    if !changed {
        return Ok(text.to_owned());
    }
    serde_norway::to_string(&document).map_err(|error| ApplyError::Parse(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_file_is_read_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("petstore.yaml"), "openapi: 3.0.0\n").unwrap();
        let text = "mcp_servers:\n  - id: petstore\n    scope: public\n    type: openapi\n    openapi: {spec_file: petstore.yaml, base_url: \"http://127.0.0.1:9/api\"}\n";
        let inlined = inline_spec_files(text, dir.path()).unwrap();
        let document: Value = serde_norway::from_str(&inlined).unwrap();
        let openapi = &document["mcp_servers"][0]["openapi"];
        assert_eq!(openapi["spec"].as_str(), Some("openapi: 3.0.0\n"));
        assert!(openapi.get("spec_file").is_none());
        assert_eq!(openapi["base_url"].as_str(), Some("http://127.0.0.1:9/api"));
    }

    #[test]
    fn a_missing_file_and_two_sources_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = "mcp_servers:\n  - id: x\n    openapi: {spec_file: nope.yaml}\n";
        assert!(matches!(
            inline_spec_files(missing, dir.path()),
            Err(ApplyError::Read { .. })
        ));
        let both =
            "mcp_servers:\n  - id: x\n    openapi: {spec_file: a.yaml, spec: 'openapi: 3.0.0'}\n";
        assert!(matches!(
            inline_spec_files(both, dir.path()),
            Err(ApplyError::Parse(_))
        ));
    }

    #[test]
    fn documents_without_spec_file_are_untouched() {
        let text = "groups:\n  - id: acme   # comment kept\n";
        assert_eq!(inline_spec_files(text, Path::new("/")).unwrap(), text);
    }
}
