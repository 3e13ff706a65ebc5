ALTER TABLE `alerts` ADD `inhibited_by` integer;--> statement-breakpoint
CREATE INDEX `alerts_inhibited_by` ON `alerts` (`inhibited_by`);