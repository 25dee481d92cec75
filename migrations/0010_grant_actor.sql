-- Grants belong to who they were given to: the user's own commands, or a persona's (model's)
-- requests. Grants from before this column were all given in answer to a card, so they stay the
-- user's: stricter than before, never wider.
ALTER TABLE grants ADD COLUMN actor TEXT NOT NULL DEFAULT 'user';
