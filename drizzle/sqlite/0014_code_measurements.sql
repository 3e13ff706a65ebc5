CREATE TABLE `code_measurements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`repository` text NOT NULL,
	`at` integer NOT NULL,
	`problem` text,
	`files` integer NOT NULL,
	`lines` integer NOT NULL,
	`largest_file` text,
	`largest_lines` integer NOT NULL,
	`files_over_limit` integer NOT NULL,
	`todo_count` integer NOT NULL,
	`duplicated_lines` integer NOT NULL,
	`worst` text NOT NULL,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `code_measurements_repository_at` ON `code_measurements` (`repository`,`at`);