-- The latest render of each output slot of a run (an `output` or `dynamic_table` field fed
-- by an action's `output_handling.render`), so a reload, the no-JavaScript page and the
-- read-only view of a completed run show what the actions produced. `render` is the
-- `Render` document (renderer, config, data and the markup the server made).

CREATE TABLE run_renders (
    run_id      TEXT NOT NULL REFERENCES wizard_runs (id) ON DELETE CASCADE,
    slot        TEXT NOT NULL,
    action_id   TEXT,
    render      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (run_id, slot)
);
