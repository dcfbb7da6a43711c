#!/usr/bin/env bash
# Runs every test of the solution on this machine. On a fresh Debian machine it first installs and starts what
# the tests need (PostgreSQL, Chromium, nginx, docker-compose for checking the compose file, npm's OpenAPI linter and
# client generator, QEMU, swtpm, tpm2-tools and what guest/build.sh needs), and builds the guest template QEMU boots. Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Quota").
# The last line is the total: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
step() { printf '\n== %s\n' "$*"; }

step "Checking what the tests need"
missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The scale-out browser tests start nginx themselves, in front of two portal processes.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v npm >/dev/null || missing+=(nodejs npm)
# Real VMs: QEMU with a software TPM per VM, and what guest/build.sh needs to build the guest template.
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v swtpm >/dev/null || missing+=(swtpm)
command -v swtpm_setup >/dev/null || missing+=(swtpm-tools)
# Real TPM attestation: hosts' swtpm TPMs, driven through tpm2-tools.
command -v tpm2_quote >/dev/null || missing+=(tpm2-tools)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v cpio >/dev/null || missing+=(cpio)
command -v mke2fs >/dev/null || missing+=(e2fsprogs)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The OpenAPI documents are linted (redocly) and turned into a typed client (openapi-typescript) by the tests.
npm_missing=()
command -v redocly >/dev/null || npm_missing+=(@redocly/cli@2.77.0)
command -v openapi-typescript >/dev/null || npm_missing+=(openapi-typescript@7.13.0)
if [ ${#npm_missing[@]} -gt 0 ]; then
  echo "installing from npm: ${npm_missing[*]}"
  as_root npm install -g --no-fund --no-audit --loglevel=error "${npm_missing[@]}" >/dev/null
fi

step "Starting PostgreSQL"
if ! pg_lsclusters -h | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  as_root pg_createcluster "$version" main >/dev/null
fi
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
if [ "$pg_status" != online ]; then
  as_root pg_ctlcluster "$pg_version" "$pg_cluster" start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$pg_port"
as_root su postgres -c "psql -q -p $pg_port -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal') THEN
    CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB;
  END IF;
END $$;
SQL
export PORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=portal;Password=portal"
echo "PostgreSQL $pg_version on port $pg_port"

step "Checking docker-compose.yml"
# The file requires its secrets from the environment; any value will do for checking its shape.
POSTGRES_PASSWORD=compose-check HGS_MASTER_KEY=compose-check HGS_ADMIN_KEY=compose-check \
  PORTAL_DATA_PROTECTION_PFX=compose-check.pfx docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml is valid"

step "Building the guest template"
# Downloads (never installs) a Debian kernel and busybox, cached in guest/out; the QEMU tests boot it.
apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1 || as_root apt-get update -qq
guest/build.sh guest/out
export TENANTPORTAL_GUEST_DIR="$PWD/guest/out"

step "Building"
dotnet build TenantPortal.sln -c Release -warnaserror --nologo -clp:ErrorsOnly

step "Testing"
log=$(mktemp)
set +e
dotnet test TenantPortal.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
awk '/^(Passed|Failed)!/ { gsub(",", ""); for (i = 1; i <= NF; i++) {
       if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s; else printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$rc"
