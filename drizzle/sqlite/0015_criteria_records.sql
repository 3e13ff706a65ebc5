CREATE TABLE `dashboard_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dashboard_requests_at` ON `dashboard_requests` (`at`);--> statement-breakpoint
CREATE TABLE `instance_runs` (
	`instance` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_beat_at` integer NOT NULL,
	PRIMARY KEY(`instance`, `started_at`)
);
--> statement-breakpoint
CREATE INDEX `instance_runs_last_beat` ON `instance_runs` (`last_beat_at`);