//! What pinning pins: tools, prompts, resources and resource templates, each with the fields a model reads and the name its pin is kept under.

use rmcp::model::{Prompt, Resource, ResourceTemplate, Tool};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The kind of a pinned definition; pins of one kind are compared with listings of that kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    #[default]
    Tool,
    Prompt,
    Resource,
    ResourceTemplate,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [
        ItemKind::Tool,
        ItemKind::Prompt,
        ItemKind::Resource,
        ItemKind::ResourceTemplate,
    ];

    /// The stored and reported word: `tool`, `prompt`, `resource` or `resource_template`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Tool => "tool",
            ItemKind::Prompt => "prompt",
            ItemKind::Resource => "resource",
            ItemKind::ResourceTemplate => "resource_template",
        }
    }

    pub fn parse(text: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// How a sentence for an admin or a client names it.
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Tool => "tool",
            ItemKind::Prompt => "prompt",
            ItemKind::Resource => "resource",
            ItemKind::ResourceTemplate => "resource template",
        }
    }
}

/// Where one pin is kept: its kind and its name within the kind (a tool's or prompt's name, a
/// resource's URI, a template's URI template).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PinKey {
    pub kind: ItemKind,
    pub name: String,
}

impl PinKey {
    pub fn new(kind: ItemKind, name: impl Into<String>) -> PinKey {
        PinKey {
            kind,
            name: name.into(),
        }
    }

    pub fn tool(name: impl Into<String>) -> PinKey {
        PinKey::new(ItemKind::Tool, name)
    }
}

/// A listed item pinning compares with its pin.
pub trait Pinnable: Serialize + DeserializeOwned + Clone {
    const KIND: ItemKind;
    /// The serialized fields that are pinned: everything a model reads or a client acts on.
    /// Icons, sizes and `_meta` are left out (they change without changing what it is).
    const PINNED_FIELDS: &'static [&'static str];
    /// The name its pin is kept under within its kind.
    fn pin_name(&self) -> String;
}

impl Pinnable for Tool {
    const KIND: ItemKind = ItemKind::Tool;
    const PINNED_FIELDS: &'static [&'static str] = &[
        "name",
        "title",
        "description",
        "inputSchema",
        "outputSchema",
        "annotations",
    ];
    fn pin_name(&self) -> String {
        self.name.to_string()
    }
}

impl Pinnable for Prompt {
    const KIND: ItemKind = ItemKind::Prompt;
    const PINNED_FIELDS: &'static [&'static str] = &["name", "title", "description", "arguments"];
    fn pin_name(&self) -> String {
        self.name.clone()
    }
}

impl Pinnable for Resource {
    const KIND: ItemKind = ItemKind::Resource;
    const PINNED_FIELDS: &'static [&'static str] =
        &["uri", "name", "title", "description", "mimeType"];
    fn pin_name(&self) -> String {
        self.uri.clone()
    }
}

impl Pinnable for ResourceTemplate {
    const KIND: ItemKind = ItemKind::ResourceTemplate;
    const PINNED_FIELDS: &'static [&'static str] =
        &["uriTemplate", "name", "title", "description", "mimeType"];
    fn pin_name(&self) -> String {
        self.uri_template.clone()
    }
}
