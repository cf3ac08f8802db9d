//! The request plan of one operation: how its tool's arguments become path, query, header and cookie parameters and a body.
//!
//! Conversion builds it; building a request reads it.

/// Everything needed to turn arguments into an HTTP request for one operation.
#[derive(Debug, Clone)]
pub(crate) struct RequestPlan {
    pub params: Vec<ParamBinding>,
    pub body: Option<BodyBinding>,
    /// Alternatives of scheme names; one alternative must be satisfied. Empty: no auth.
    pub security: Vec<Vec<String>>,
    /// `Accept` header to send, from the success response's JSON media type.
    pub accept: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct ParamBinding {
    /// Key in the tool arguments.
    pub property: String,
    /// Name on the wire.
    pub name: String,
    pub location: ParamLocation,
    pub style: Style,
    pub explode: bool,
    pub required: bool,
    /// Declared with `content` instead of `schema`: the value is sent as JSON text.
    pub json_content: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone)]
pub(crate) struct BodyBinding {
    pub media_type: String,
    pub kind: BodyKind,
    pub placement: BodyPlacement,
    pub required: bool,
    /// Flattened body properties the body requires (checked only when the body is required).
    pub required_fields: Vec<String>,
    /// Multipart fields sent as file parts.
    pub binary_fields: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
    Multipart,
    /// Any other media type: the argument is sent as text.
    Raw,
}

#[derive(Debug, Clone)]
pub(crate) enum BodyPlacement {
    /// The body object's properties are top-level arguments with these names.
    Flattened(Vec<String>),
    /// The whole body is the argument with this name.
    Property(String),
}
