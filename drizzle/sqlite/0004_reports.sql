CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`at` integer NOT NULL,
	`period_start` integer NOT NULL,
	`trigger` text NOT NULL,
	`markdown_path` text NOT NULL,
	`json_path` text NOT NULL,
	`headline` text NOT NULL,
	`failures` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_name` ON `reports` (`name`);--> statement-breakpoint
CREATE INDEX `reports_at` ON `reports` (`at`);