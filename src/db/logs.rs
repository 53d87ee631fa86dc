//! Repository: see the owning service. OWNER: issue 4 helper.
