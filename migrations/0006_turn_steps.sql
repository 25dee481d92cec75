-- The tool calls a turn made (the agent loop), shown as blocks under the reply.
ALTER TABLE turns ADD COLUMN steps TEXT NOT NULL DEFAULT '[]';
