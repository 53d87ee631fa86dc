//! One input widget per selection type, used by the player and the builder's live preview.
