//! Updates with a field mask: the mask an update RPC carries, and the one way a stored row is patched from a message.

use tonic::Status;

use super::error::invalid;

/// A stored row an update RPC patches from its message, field by field.
pub trait Patchable {
    /// The message carrying the new values.
    type Message;
    /// The mask paths the message accepts: its updatable fields.
    const UPDATABLE: &'static [&'static str];
    /// Copies onto `self` each field of `incoming` that `mask` selects.
    fn patch(&mut self, incoming: Self::Message, mask: &UpdateMask) -> Result<(), Status>;
}

/// The fields an update writes; an empty mask means every updatable field, as Google's API
/// guidelines have it for a full replacement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateMask {
    paths: Vec<String>,
}

impl UpdateMask {
    /// Every updatable field: what a create applies.
    pub fn everything() -> UpdateMask {
        UpdateMask::default()
    }

    /// The request's mask; an absent one selects everything.
    pub fn from_request(mask: Option<prost_types::FieldMask>) -> UpdateMask {
        UpdateMask {
            paths: mask.map(|mask| mask.paths).unwrap_or_default(),
        }
    }

    /// Whether the update writes `path`.
    pub fn selects(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|candidate| candidate == path)
    }

    /// Refuses a path that is not an updatable field of the message.
    fn check(&self, updatable: &[&str]) -> Result<(), Status> {
        match self
            .paths
            .iter()
            .find(|path| !updatable.contains(&path.as_str()))
        {
            Some(path) => Err(invalid(
                "update_mask",
                format!("{path:?} is not an updatable field; expected one of {updatable:?}"),
            )),
            None => Ok(()),
        }
    }
}

/// Applies `incoming` to `row` for the fields `mask` selects, after refusing a mask naming a
/// field the message cannot update. A pure function of the row, so it runs the same inside a
/// read-modify-write transaction as on a row read before.
pub fn apply_update<Row: Patchable>(
    row: &mut Row,
    incoming: Row::Message,
    mask: &UpdateMask,
) -> Result<(), Status> {
    mask.check(Row::UPDATABLE)?;
    row.patch(incoming, mask)
}

#[cfg(test)]
mod tests {
    use tonic::Code;

    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Row {
        name: String,
        size: i32,
    }

    impl Patchable for Row {
        type Message = Row;
        const UPDATABLE: &'static [&'static str] = &["name", "size"];

        fn patch(&mut self, incoming: Row, mask: &UpdateMask) -> Result<(), Status> {
            if mask.selects("name") {
                self.name = incoming.name;
            }
            if mask.selects("size") {
                self.size = incoming.size;
            }
            Ok(())
        }
    }

    fn mask(paths: &[&str]) -> UpdateMask {
        UpdateMask::from_request(Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| (*path).to_owned()).collect(),
        }))
    }

    #[test]
    fn a_mask_writes_its_fields_only_and_an_empty_one_writes_all() {
        let incoming = || Row {
            name: "new".into(),
            size: 7,
        };
        let mut row = Row::default();
        apply_update(&mut row, incoming(), &mask(&["size"])).unwrap();
        assert_eq!(
            row,
            Row {
                name: String::new(),
                size: 7
            }
        );
        let mut row = Row::default();
        apply_update(&mut row, incoming(), &UpdateMask::from_request(None)).unwrap();
        assert_eq!(row, incoming());
        assert_eq!(mask(&[]), UpdateMask::everything());
    }

    #[test]
    fn an_unknown_path_is_refused_before_any_field_is_written() {
        let mut row = Row::default();
        let refused = apply_update(
            &mut row,
            Row {
                name: "new".into(),
                size: 7,
            },
            &mask(&["size", "colour"]),
        )
        .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument);
        assert!(refused.message().contains("colour"), "{refused:?}");
        assert_eq!(row, Row::default());
    }
}
