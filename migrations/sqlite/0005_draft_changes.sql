-- Local only: a draft now holds what the canvas changed since the saved version (the changes a
-- save would send), so writing one after each edit costs what the edit changed, not the graph.
-- Reading one makes the changes on the saved graph. Drafts written before hold a whole graph in
-- `graph` and no `changes`; they are still read as they are.
ALTER TABLE local_drafts ADD COLUMN changes TEXT;
