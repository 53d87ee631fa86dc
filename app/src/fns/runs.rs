//! Server functions of the player, My Runs, the Store and the gallery.
