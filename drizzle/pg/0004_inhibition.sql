ALTER TABLE "alerts" ADD COLUMN "inhibited_by" bigint;--> statement-breakpoint
CREATE INDEX "alerts_inhibited_by" ON "alerts" USING btree ("inhibited_by");