-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER');

-- CreateTable
CREATE TABLE "Company" (
    "id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "modules" TEXT[] DEFAULT ARRAY['chat', 'crm', 'erp', 'knowledge', 'ai']::TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Company_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "passwordHash" VARCHAR(255) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "companyId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("companyId","userId")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" VARCHAR(64) NOT NULL,
    "alg" VARCHAR(16) NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "refreshTokenHash" VARCHAR(64) NOT NULL,
    "userAgent" VARCHAR(500),
    "ip" VARCHAR(64),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Session_refreshTokenHash_key" ON "Session"("refreshTokenHash");

-- CreateIndex
CREATE INDEX "Session_companyId_userId_idx" ON "Session"("companyId", "userId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RowLevelSecurity (added by pnpm db:migration): "Membership" rows belong to the tenant in app.company_id
ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Membership" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Membership"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- RowLevelSecurity (added by pnpm db:migration): "Session" rows belong to the tenant in app.company_id
ALTER TABLE "Session" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Session" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Session"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- =============================================================================================
-- Hand-written below this line: row-level security for the tables the tool cannot derive (no
-- companyId column), grants narrower than the default privileges, and the login lookup.
-- app.company_id / app.user_id are set per transaction by withTenant (packages/core/src/db);
-- NULLIF(..., '') because a setting once made on a pooled connection reads '' afterwards.
-- =============================================================================================

-- Company: a tenant sees and changes only itself (creating a company: set app.company_id to its id).
ALTER TABLE "Company" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Company" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Company"
    USING ("id" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("id" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- User: a global identity. Visible to itself and to the company it is a member of (the EXISTS is
-- itself filtered by Membership's policy and served by Membership's ("companyId", "userId") key).
-- Only the user itself may be created or changed; nobody deletes through the app role.
ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "User" FORCE ROW LEVEL SECURITY;
CREATE POLICY user_read ON "User" FOR SELECT
    USING (
        "id" = NULLIF(current_setting('app.user_id', true), '')::uuid
        OR EXISTS (
            SELECT 1 FROM "Membership" m
            WHERE m."userId" = "User"."id"
              AND m."companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid
        )
    );
CREATE POLICY user_create_self ON "User" FOR INSERT
    WITH CHECK ("id" = NULLIF(current_setting('app.user_id', true), '')::uuid);
CREATE POLICY user_update_self ON "User" FOR UPDATE
    USING ("id" = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK ("id" = NULLIF(current_setting('app.user_id', true), '')::uuid);

-- SigningKey: platform-wide, no tenant, no row-level security; keys are retired, never deleted.
REVOKE ALL ON "SigningKey" FROM omni_app;
GRANT SELECT, INSERT, UPDATE ON "SigningKey" TO omni_app;

-- Login: find the account for an email before any tenant is known. Row-level security hides
-- every User row at that point, so this runs as its owner (omni_owner, BYPASSRLS) and returns
-- only what a password check and token issue need: the user's id and password hash, and the
-- company and role of the user's oldest membership (NULLs when it has none); no row when no user.
-- search_path is empty so nobody can shadow the tables or functions it uses.
CREATE FUNCTION public.omni_login_lookup(p_email text)
RETURNS TABLE (user_id uuid, password_hash text, company_id uuid, role public."Role")
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT u."id", u."passwordHash"::text, m."companyId", m."role"
    FROM public."User" u
    LEFT JOIN LATERAL (
        SELECT ms."companyId", ms."role"
        FROM public."Membership" ms
        WHERE ms."userId" = u."id"
        ORDER BY ms."createdAt", ms."companyId"
        LIMIT 1
    ) m ON true
    WHERE u."email" = pg_catalog.lower(p_email)
$$;
REVOKE EXECUTE ON FUNCTION public.omni_login_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.omni_login_lookup(text) TO omni_app;
