ALTER TABLE `deliveries` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `summaries` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `summaries` ADD `claimed_by` text;