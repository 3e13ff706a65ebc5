ALTER TABLE `escalation_steps` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `escalation_steps` ADD `claimed_by` text;