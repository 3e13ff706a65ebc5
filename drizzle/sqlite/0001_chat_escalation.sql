CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`user_name` text,
	`chat_id` text,
	`via` text NOT NULL,
	`command` text NOT NULL,
	`args` text NOT NULL,
	`result` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `escalation_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`policy` text NOT NULL,
	`level` integer NOT NULL,
	`repeat` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`state` text NOT NULL,
	`notified` text DEFAULT '{"sent":[],"failed":[]}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`detail` text,
	`done_at` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `escalation_steps_alert` ON `escalation_steps` (`alert_id`);--> statement-breakpoint
CREATE INDEX `escalation_steps_state` ON `escalation_steps` (`state`,`due_at`);--> statement-breakpoint
CREATE TABLE `silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`matchers` text NOT NULL,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`removed_at` integer,
	`removed_by` text
);
--> statement-breakpoint
CREATE INDEX `silences_ends` ON `silences` (`ends_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`destination` text NOT NULL,
	`min_severity` text NOT NULL,
	`services` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_destination` ON `subscriptions` (`platform`,`destination`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `silence_id` integer;