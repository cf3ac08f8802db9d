//! What the catalogue shows of a template besides its name and parameters: display names in
//! both panel languages, tags, a Markdown readme, a logo and the vendor's homepage.

/// A template's catalogue entry. Text fields are empty when the template has nothing to say
/// (the panel then falls back to the name and the one-line description).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalogue {
    /// The name the panel shows, in English.
    pub display_name: &'static str,
    /// The name the panel shows in Chinese.
    pub display_name_zh: &'static str,
    /// The one-line description in Chinese ([`super::TemplateInfo::description`] is English).
    pub description_zh: &'static str,
    /// Lowercase keywords the panel filters by (`search`, `maps`, `weather`, ...).
    pub tags: &'static [&'static str],
    /// Longer help in Markdown: what the tools do, what the parameters mean, where to get a key.
    pub readme: &'static str,
    /// A logo URL (https) or a `data:` URI; empty for none.
    pub logo: &'static str,
    /// The vendor's or project's homepage; empty for none.
    pub homepage: &'static str,
    /// A test fixture, not a product server: instantiable by name, never listed.
    pub fixture: bool,
}

impl Catalogue {
    /// An entry with only display names; the rest empty.
    pub const fn named(display_name: &'static str, display_name_zh: &'static str) -> Self {
        Self {
            display_name,
            display_name_zh,
            description_zh: "",
            tags: &[],
            readme: "",
            logo: "",
            homepage: "",
            fixture: false,
        }
    }
}
