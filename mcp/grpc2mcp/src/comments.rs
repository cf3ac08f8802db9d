//! Comments of a descriptor element from its file's source info, when the descriptor set carries it (reflection servers often strip it).

use prost_reflect::FileDescriptor;

/// Longest comment carried into a description; the rest is cut.
const MAX_COMMENT_CHARS: usize = 2048;

/// The leading (else trailing) comment of the element at `path`, trimmed; `None` when absent.
pub(crate) fn comment_of(file: &FileDescriptor, path: &[i32]) -> Option<String> {
    let info = file.file_descriptor_proto().source_code_info.as_ref()?;
    let location = info
        .location
        .iter()
        .find(|location| location.path == path)?;
    let text = location
        .leading_comments
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .or(location.trailing_comments.as_deref())?;
    let text = text
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(MAX_COMMENT_CHARS).collect())
}
