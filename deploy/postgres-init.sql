-- Roles and database for docker-compose.yml. The postgres image runs this once, as the superuser,
-- when its data volume is first created. It does what `pnpm db:setup` (scripts/db/setup.ts) does on
-- a developer machine; keep the two in step. Passwords come from the container's environment.
\set ON_ERROR_STOP on
\getenv owner_password OMNI_OWNER_DB_PASSWORD
\getenv app_password OMNI_APP_DB_PASSWORD

-- Runs migrations and owns every table; BYPASSRLS so migrations see all tenants' rows.
CREATE ROLE omni_owner LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'owner_password';
-- What the services connect as: owns nothing and cannot bypass row-level security.
CREATE ROLE omni_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'app_password';

CREATE DATABASE omni OWNER omni_owner;
-- By default every role may connect and create temporary tables; the app only needs to connect.
REVOKE ALL ON DATABASE omni FROM PUBLIC;
GRANT CONNECT ON DATABASE omni TO omni_app;

\connect omni
ALTER SCHEMA public OWNER TO omni_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO omni_app;
-- Tables, sequences and functions that migrations create are usable by the app without per-table
-- GRANTs; migrations narrow this where a table needs less (e.g. no DELETE).
ALTER DEFAULT PRIVILEGES FOR ROLE omni_owner GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO omni_app;
ALTER DEFAULT PRIVILEGES FOR ROLE omni_owner GRANT USAGE, SELECT ON SEQUENCES TO omni_app;
ALTER DEFAULT PRIVILEGES FOR ROLE omni_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE omni_owner GRANT EXECUTE ON FUNCTIONS TO omni_app;
