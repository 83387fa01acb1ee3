-- Row-level security and grants for the tables added in 0002, as 0001 did for the first ones.
GRANT SELECT, INSERT, UPDATE, DELETE ON media_objects, pending_message_updates TO parley_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE pending_message_updates_id_seq TO parley_app;
--> statement-breakpoint
ALTER TABLE media_objects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON media_objects USING (tenant_id = parley_current_tenant()) WITH CHECK (tenant_id = parley_current_tenant());
--> statement-breakpoint
ALTER TABLE pending_message_updates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON pending_message_updates USING (tenant_id = parley_current_tenant()) WITH CHECK (tenant_id = parley_current_tenant());
