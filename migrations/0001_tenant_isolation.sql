-- Tenant isolation. Request code runs every query inside a transaction that does
-- `SET LOCAL ROLE parley_app` and sets `parley.tenant_id`; parley_app owns nothing and has no
-- BYPASSRLS, so the policies below apply to it even when a query forgets its tenant filter.
-- An unset or empty parley.tenant_id matches no row.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parley_app') THEN
    CREATE ROLE parley_app NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
-- The migrating user must be able to switch to parley_app; superusers already can.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT parley_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
CREATE FUNCTION parley_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('parley.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO parley_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_current_tenant() TO parley_app;
--> statement-breakpoint
-- Tenants are visible to parley_app only as the current tenant's own row.
GRANT SELECT ON tenants TO parley_app;
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants USING (id = parley_current_tenant());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON agents, channels, contacts, contact_identities, conversations, messages TO parley_app;
--> statement-breakpoint
-- The conversation event log is append-only for request code.
GRANT SELECT, INSERT ON conversation_events TO parley_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE conversation_events_id_seq TO parley_app;
--> statement-breakpoint
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['agents', 'channels', 'contacts', 'contact_identities', 'conversations', 'messages', 'conversation_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = parley_current_tenant()) WITH CHECK (tenant_id = parley_current_tenant())',
      table_name
    );
  END LOOP;
END
$$;
