//! Service. OWNER: issue 4 helper.
