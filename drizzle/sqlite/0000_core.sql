CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`severity` text NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`service` text,
	`labels` text NOT NULL,
	`dedup_key` text,
	`source` text,
	`link` text,
	`status` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`route` text NOT NULL,
	`fired_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`accepted_at` integer NOT NULL,
	`acked_at` integer,
	`acked_by` text,
	`resolved_at` integer,
	`resolved_by` text
);
--> statement-breakpoint
CREATE INDEX `alerts_dedup_firing` ON `alerts` (`dedup_key`,`status`);--> statement-breakpoint
CREATE INDEX `alerts_status_severity` ON `alerts` (`status`,`severity`);--> statement-breakpoint
CREATE INDEX `alerts_service` ON `alerts` (`service`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`platform` text NOT NULL,
	`destination` text NOT NULL,
	`state` text NOT NULL,
	`message_id` text,
	`summary_id` integer,
	`synced_revision` integer DEFAULT 0 NOT NULL,
	`resolve_reply_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deliveries_alert` ON `deliveries` (`alert_id`);--> statement-breakpoint
CREATE INDEX `deliveries_dest_state` ON `deliveries` (`platform`,`destination`,`state`);--> statement-breakpoint
CREATE INDEX `deliveries_state` ON `deliveries` (`state`);--> statement-breakpoint
CREATE TABLE `summaries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`destination` text NOT NULL,
	`state` text NOT NULL,
	`alert_count` integer NOT NULL,
	`message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `summaries_state` ON `summaries` (`state`);