ALTER TABLE "heal_runs" ADD COLUMN "steps" jsonb;--> statement-breakpoint
ALTER TABLE "heal_runs" ADD COLUMN "rollback" text;