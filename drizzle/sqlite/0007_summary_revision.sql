ALTER TABLE `summaries` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `summaries` ADD `synced_revision` integer DEFAULT 0 NOT NULL;