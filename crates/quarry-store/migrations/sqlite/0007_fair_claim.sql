-- Fair claims pick a workspace first, then its best job (see sql/claim.rs).
-- One index serves the loose scan over workspaces with queued jobs, the
-- per-workspace pick by priority and age, and the count of leased jobs.
CREATE INDEX jobs_fair ON jobs (state, workspace_id, priority, seq);
DROP INDEX jobs_claim;

-- When each workspace last got a job, as a counter that grows by one per
-- claim: among workspaces with as many jobs in flight, the one served
-- longest ago goes next (round robin).
CREATE TABLE queue_turns (
    workspace_id TEXT PRIMARY KEY,
    last_turn BIGINT NOT NULL
);
