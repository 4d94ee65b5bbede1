-- Hand-written migration: no schema change. Add the SQL below.
-- The companies the current user belongs to. Membership rows are visible per company only, so
-- listing a user's companies (company switcher, revoking a user's sessions everywhere) needs
-- this narrow function. It answers only for app.user_id — the user the transaction acts for
-- (set by withTenant from the verified principal) — never for an arbitrary user id.
CREATE FUNCTION public.omni_my_companies()
RETURNS TABLE (company_id uuid, company_name text, role public."Role", joined_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT m."companyId", c."name"::text, m."role", m."createdAt"
    FROM public."Membership" m
    JOIN public."Company" c ON c."id" = m."companyId"
    WHERE m."userId" = NULLIF(pg_catalog.current_setting('app.user_id', true), '')::uuid
    ORDER BY m."createdAt", m."companyId"
$$;
REVOKE EXECUTE ON FUNCTION public.omni_my_companies() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.omni_my_companies() TO omni_app;
