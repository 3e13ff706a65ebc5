ALTER TABLE `summaries` ADD `group_key` text;--> statement-breakpoint
ALTER TABLE `summaries` ADD `group_labels` text;--> statement-breakpoint
ALTER TABLE `summaries` ADD `not_before` integer;--> statement-breakpoint
CREATE INDEX `summaries_group` ON `summaries` (`platform`,`destination`,`group_key`);