ALTER TABLE `heal_runs` ADD `steps` text;--> statement-breakpoint
ALTER TABLE `heal_runs` ADD `rollback` text;