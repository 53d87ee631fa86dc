//! Server functions of the builder: drafts, publishing, versions, import/export.
