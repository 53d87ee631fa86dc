//! Where a run goes next. Hidden steps are skipped in both directions; the functions are
//! shared so the player's buttons and the server's moves always agree.

use uuid::Uuid;

use crate::domain::condition::Answers;
use crate::domain::{Step, Wizard};

impl Wizard {
    /// The first step a runner sees given `answers`.
    pub fn first_step(&self, answers: &Answers) -> Option<&Step> {
        self.steps.iter().find(|s| s.is_visible(answers))
    }

    /// The next visible step after `current`; `None` at the end (or if `current` is unknown).
    pub fn next_step(&self, current: Uuid, answers: &Answers) -> Option<&Step> {
        let i = self.steps.iter().position(|s| s.id == current)?;
        self.steps[i + 1..].iter().find(|s| s.is_visible(answers))
    }

    /// The previous visible step before `current`.
    pub fn previous_step(&self, current: Uuid, answers: &Answers) -> Option<&Step> {
        let i = self.steps.iter().position(|s| s.id == current)?;
        self.steps[..i].iter().rev().find(|s| s.is_visible(answers))
    }

    /// `(position, count)` of `current` among the visible steps, 1-based, for the progress
    /// indicator.
    pub fn progress(&self, current: Uuid, answers: &Answers) -> (usize, usize) {
        let visible = self.visible_steps(answers);
        let at = visible
            .iter()
            .position(|s| s.id == current)
            .map_or(0, |i| i + 1);
        (at, visible.len())
    }

    pub fn step(&self, id: Uuid) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}
