DROP INDEX `deliveries_alert`;--> statement-breakpoint
CREATE INDEX `deliveries_alert_state` ON `deliveries` (`alert_id`,`state`);