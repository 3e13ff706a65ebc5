ALTER TABLE "escalation_steps" ADD COLUMN "claimed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "escalation_steps" ADD COLUMN "claimed_by" text;