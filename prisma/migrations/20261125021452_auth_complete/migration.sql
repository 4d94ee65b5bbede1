-- DropIndex
DROP INDEX "Session_refreshTokenHash_key";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "defaultCompanyId" UUID,
ADD COLUMN     "passwordChangedAt" TIMESTAMPTZ(3),
ADD COLUMN     "totpEnabledAt" TIMESTAMPTZ(3),
ADD COLUMN     "totpLastStep" BIGINT,
ADD COLUMN     "totpSecret" VARCHAR(512);

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Session" DROP COLUMN "refreshTokenHash",
ADD COLUMN     "revokedReason" VARCHAR(32);

-- CreateTable
CREATE TABLE "RefreshToken" (
    "tokenHash" VARCHAR(64) NOT NULL,
    "companyId" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RefreshToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "codeHash" VARCHAR(64) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PasswordResetToken" (
    "tokenHash" VARCHAR(64) NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PasswordResetToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "invitedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceAccount" (
    "id" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMPTZ(3),

    CONSTRAINT "ServiceAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "serviceAccountId" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "prefix" VARCHAR(64) NOT NULL,
    "keyHash" VARCHAR(64) NOT NULL,
    "scopes" TEXT[],
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "actorUserId" UUID,
    "actorApiKeyId" UUID,
    "targetType" VARCHAR(64),
    "targetId" VARCHAR(64),
    "ip" VARCHAR(64),
    "userAgent" VARCHAR(500),
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" UUID NOT NULL,
    "to" VARCHAR(254) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queuedAt" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" VARCHAR(500),

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RefreshToken_companyId_sessionId_idx" ON "RefreshToken"("companyId", "sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCode_userId_codeHash_key" ON "RecoveryCode"("userId", "codeHash");

-- CreateIndex
CREATE INDEX "PasswordResetToken_userId_idx" ON "PasswordResetToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_companyId_createdAt_idx" ON "Invitation"("companyId", "createdAt");

-- CreateIndex
CREATE INDEX "Invitation_companyId_email_idx" ON "Invitation"("companyId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceAccount_companyId_name_key" ON "ServiceAccount"("companyId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_companyId_serviceAccountId_idx" ON "ApiKey"("companyId", "serviceAccountId");

-- CreateIndex
CREATE INDEX "AuditEvent_companyId_createdAt_id_idx" ON "AuditEvent"("companyId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "AuditEvent_companyId_action_createdAt_idx" ON "AuditEvent"("companyId", "action", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "EmailMessage_queuedAt_createdAt_idx" ON "EmailMessage"("queuedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "RefreshToken" ADD CONSTRAINT "RefreshToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryCode" ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PasswordResetToken" ADD CONSTRAINT "PasswordResetToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceAccount" ADD CONSTRAINT "ServiceAccount_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_serviceAccountId_fkey" FOREIGN KEY ("serviceAccountId") REFERENCES "ServiceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RowLevelSecurity (added by pnpm db:migration): "RefreshToken" rows belong to the tenant in app.company_id
ALTER TABLE "RefreshToken" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RefreshToken" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "RefreshToken"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- RowLevelSecurity (added by pnpm db:migration): "Invitation" rows belong to the tenant in app.company_id
ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Invitation"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- RowLevelSecurity (added by pnpm db:migration): "ServiceAccount" rows belong to the tenant in app.company_id
ALTER TABLE "ServiceAccount" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ServiceAccount" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ServiceAccount"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- RowLevelSecurity (added by pnpm db:migration): "ApiKey" rows belong to the tenant in app.company_id
ALTER TABLE "ApiKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ApiKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ApiKey"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- RowLevelSecurity (added by pnpm db:migration): "AuditEvent" rows belong to the tenant in app.company_id
ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AuditEvent"
    USING ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid)
    WITH CHECK ("companyId" = NULLIF(current_setting('app.company_id', true), '')::uuid);

-- =============================================================================================
-- Hand-written below this line.
-- =============================================================================================

-- Tables owned by one user rather than a tenant: visible to and changeable by that user only
-- (app.user_id is set by withTenant, and by the flows that act for a user before any tenant is
-- known: password reset, second-factor verification).
ALTER TABLE "RecoveryCode" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RecoveryCode" FORCE ROW LEVEL SECURITY;
CREATE POLICY user_owned ON "RecoveryCode"
    USING ("userId" = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK ("userId" = NULLIF(current_setting('app.user_id', true), '')::uuid);

ALTER TABLE "PasswordResetToken" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "PasswordResetToken" FORCE ROW LEVEL SECURITY;
CREATE POLICY user_owned ON "PasswordResetToken"
    USING ("userId" = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK ("userId" = NULLIF(current_setting('app.user_id', true), '')::uuid);

-- The audit log is append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEvent" FROM omni_app;

-- EmailMessage: platform-wide outbox of mail; never deleted by the application.
REVOKE DELETE, TRUNCATE ON "EmailMessage" FROM omni_app;

-- Login now prefers the user's default company, then the oldest membership.
CREATE OR REPLACE FUNCTION public.omni_login_lookup(p_email text)
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
        ORDER BY (ms."companyId" = u."defaultCompanyId") IS TRUE DESC, ms."createdAt", ms."companyId"
        LIMIT 1
    ) m ON true
    WHERE u."email" = pg_catalog.lower(p_email)
$$;
REVOKE EXECUTE ON FUNCTION public.omni_login_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.omni_login_lookup(text) TO omni_app;
