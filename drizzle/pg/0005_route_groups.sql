ALTER TABLE "summaries" ADD COLUMN "group_key" text;--> statement-breakpoint
ALTER TABLE "summaries" ADD COLUMN "group_labels" jsonb;--> statement-breakpoint
ALTER TABLE "summaries" ADD COLUMN "not_before" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "summaries_group" ON "summaries" USING btree ("platform","destination","group_key");