-- Grants and row-level security for the privacy tables of 0004. operators and
-- meta_deletion_requests belong to the platform: parley_app gets no access to them at all.
GRANT SELECT, INSERT ON audit_log TO parley_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE audit_log_id_seq TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON data_subject_requests TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON privacy_policies, privacy_policy_views TO parley_app;
--> statement-breakpoint
-- Tenant admins set their own retention periods; nothing else of the tenant row.
GRANT UPDATE (retention_days, attachment_retention_days) ON tenants TO parley_app;
--> statement-breakpoint
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['audit_log', 'data_subject_requests', 'privacy_policies', 'privacy_policy_views']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = parley_current_tenant()) WITH CHECK (tenant_id = parley_current_tenant())',
      table_name
    );
  END LOOP;
END
$$;
