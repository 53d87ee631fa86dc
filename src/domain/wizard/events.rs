//! Which events fire where: the player asks the server to run a trigger only when the
//! pinned version has an enabled event for it (no round trip otherwise).

use uuid::Uuid;

use crate::domain::Wizard;
use crate::domain::event::{Event, Trigger};

impl Wizard {
    /// The enabled events that fire on `trigger` at `target`: the player asks the server to
    /// run a trigger only when there is one (no round trip otherwise).
    pub fn events_for(
        &self,
        trigger: Trigger,
        target: Option<Uuid>,
    ) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |e| e.enabled && e.trigger == trigger && e.target_id == target)
    }

    /// What the trigger shows while its events run: the first action's `loading_message`.
    pub fn loading_message(&self, trigger: Trigger, target: Option<Uuid>) -> Option<String> {
        self.events_for(trigger, target)
            .flat_map(|e| e.actions.iter())
            .find_map(|a| a.loading_message.clone())
    }
}
