CREATE TABLE `heartbeats` (
	`name` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`watched_since` integer NOT NULL,
	`last_beat_at` integer,
	`last_start_at` integer,
	`last_fail_at` integer,
	`last_message` text,
	`beats` integer DEFAULT 0 NOT NULL,
	`down_since` integer
);
