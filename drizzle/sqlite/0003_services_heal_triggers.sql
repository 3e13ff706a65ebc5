CREATE TABLE `heal_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text NOT NULL,
	`action` text NOT NULL,
	`trigger` text NOT NULL,
	`triggered_by` text NOT NULL,
	`state` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`duration_ms` integer,
	`exit_code` integer,
	`output_tail` text,
	`verification` text
);
--> statement-breakpoint
CREATE INDEX `heal_runs_service` ON `heal_runs` (`service`,`started_at`);--> statement-breakpoint
CREATE TABLE `metric_samples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`labels` text NOT NULL,
	`value` real NOT NULL,
	`time` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `metric_samples_name_time` ON `metric_samples` (`name`,`time`);--> statement-breakpoint
CREATE INDEX `metric_samples_time` ON `metric_samples` (`time`);--> statement-breakpoint
CREATE TABLE `service_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`up` integer,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `service_events_service_at` ON `service_events` (`service`,`at`);--> statement-breakpoint
CREATE TABLE `services` (
	`name` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`health` text NOT NULL,
	`enabled` integer NOT NULL,
	`pid` integer,
	`started_at` integer,
	`restarts` integer DEFAULT 0 NOT NULL,
	`last_probe_detail` text,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trigger_fires` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule` text NOT NULL,
	`series_key` text NOT NULL,
	`at` integer NOT NULL,
	`value` real,
	`detail` text NOT NULL,
	`alert_id` integer,
	`heal_run_id` integer
);
--> statement-breakpoint
CREATE INDEX `trigger_fires_rule_at` ON `trigger_fires` (`rule`,`at`);--> statement-breakpoint
CREATE TABLE `trigger_states` (
	`rule` text NOT NULL,
	`series_key` text NOT NULL,
	`labels` text NOT NULL,
	`breached` integer NOT NULL,
	`last_fired_at` integer,
	`last_value` real,
	`last_detail` text,
	`evaluated_at` integer NOT NULL,
	PRIMARY KEY(`rule`, `series_key`)
);
